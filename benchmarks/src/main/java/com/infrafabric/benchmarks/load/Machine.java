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
 * @param othersCpuShare the share of the machine's CPU capacity other processes used during the run
 *     (see {@link CpuAccount}), negative if unknown: figures taken beside busy neighbours are worse
 *     than the code deserves
 * @param stealShare the part of {@code othersCpuShare} the hypervisor gave other virtual machines
 *     (steal time), negative if unknown
 */
record Machine(
    int cores,
    String jdk,
    String os,
    String redis,
    double loadAverage,
    double othersCpuShare,
    double stealShare) {

  /** This machine, with the version the benchmark's redis-server reported and the run's load. */
  static Machine current(String redisVersion, double loadAverage, CpuAccount cpu) {
    CpuAccount.OthersShares others = cpu.othersShares();
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        redisVersion,
        loadAverage,
        others.all(),
        others.steal());
  }

  /** The one-minute system load average, negative if unavailable. */
  static double loadAverageNow() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
