package com.infrafabric.benchmarks.load;

import java.lang.management.ManagementFactory;

/**
 * Where a run happened, so figures are read against the hardware that produced them.
 *
 * @param cores processors available to this JVM
 * @param jdk the runtime's VM name and version
 * @param os operating system name, version and architecture
 * @param redis the redis-server version
 * @param loadAverage the system's one-minute load average before the run, negative if the OS does
 *     not tell: a value near or above {@code cores} means other work shared the machine
 */
record Machine(int cores, String jdk, String os, String redis, double loadAverage) {

  /** This machine now, with the version the benchmark's redis-server reported. */
  static Machine current(String redisVersion, double loadAverage) {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        redisVersion,
        loadAverage);
  }

  /** The one-minute system load average, negative if unavailable. */
  static double loadAverageNow() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
