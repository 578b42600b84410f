package com.infrafabric.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How often the run's threads gave up a core, read from {@code /proc/<pid>/task/<tid>/status}, by
 * thread name: this JVM's threads and its child processes' (redis-server). A voluntary switch is a
 * thread that went to sleep (an event loop with nothing left to run, a thread parked waiting for
 * another), so on a request path it counts the wake-ups the work needed: a hand-off from one thread
 * to another costs the receiver one. An involuntary one is a thread the scheduler preempted: that
 * counts how crowded the cores were. A thread that ended meanwhile takes its counts with it, which
 * on a steady request path none do. Linux only; elsewhere nothing is counted.
 *
 * @param byThread voluntary and involuntary switches by thread ({@code pid/tid}), with its name
 */
record ContextSwitches(Map<String, Counts> byThread) {

  private static final Path PROC = Path.of("/proc");

  /** Below this many per call, a thread group is left out of {@link #describe}. */
  private static final double NOTABLE_PER_CALL = 0.05;

  /**
   * One thread's counters, or a group's per call.
   *
   * @param name the thread's name as {@code /proc} gives it (cut to 15 characters), or the group's
   * @param voluntary switches the thread asked for by sleeping
   * @param involuntary switches the scheduler imposed
   * @param threads how many threads of the group switched notably often (at least 0.05 times per
   *     call; one for a thread's counters)
   */
  record Counts(String name, double voluntary, double involuntary, int threads) {

    Counts plus(Counts other) {
      return new Counts(
          name,
          voluntary + other.voluntary,
          involuntary + other.involuntary,
          threads + other.threads);
    }
  }

  /** The counters now; a thread whose {@code status} cannot be read is left out. */
  static ContextSwitches now() {
    Map<String, Counts> threads = new HashMap<>();
    ProcessHandle self = ProcessHandle.current();
    read(self.pid(), "", threads);
    self.descendants().forEach(child -> read(child.pid(), "child ", threads));
    return new ContextSwitches(Map.copyOf(threads));
  }

  /**
   * What happened since {@code earlier}, per call: each thread that switched notably often on its
   * own ({@code name/tid}), the others summed by name; the thread {@code renamedTid} (a native
   * thread id, or -1) is named {@code renamedAs} instead.
   */
  PerCall perCallSince(ContextSwitches earlier, long calls, long renamedTid, String renamedAs) {
    Map<String, Counts> groups = new TreeMap<>();
    byThread.forEach(
        (id, after) -> {
          Counts before = earlier.byThread.getOrDefault(id, new Counts(after.name(), 0, 0, 1));
          double voluntary = after.voluntary() - before.voluntary();
          double involuntary = after.involuntary() - before.involuntary();
          boolean notable = (voluntary + involuntary) / calls >= NOTABLE_PER_CALL;
          String name =
              id.endsWith("/" + renamedTid)
                  ? renamedAs
                  : after.name() + (notable ? id.substring(id.indexOf('/')) : " (rest)");
          groups.merge(
              name,
              new Counts(name, voluntary / calls, involuntary / calls, notable ? 1 : 0),
              Counts::plus);
        });
    return new PerCall(Map.copyOf(groups));
  }

  /**
   * Switches per call by thread group.
   *
   * @param groups by thread name (threads of one name summed)
   */
  record PerCall(Map<String, Counts> groups) {

    double voluntary() {
      return groups.values().stream().mapToDouble(Counts::voluntary).sum();
    }

    double involuntary() {
      return groups.values().stream().mapToDouble(Counts::involuntary).sum();
    }

    /**
     * In words: the total voluntary and involuntary switches, then each thread group with a notable
     * share, voluntary/involuntary ({@code vert.x-eventloo 4.00/0.10}).
     */
    String describe() {
      String notable =
          new TreeMap<>(groups)
              .values().stream()
                  .filter(c -> c.voluntary() + c.involuntary() >= NOTABLE_PER_CALL)
                  .map(
                      c ->
                          String.format(
                              Locale.ROOT,
                              "%s x%d %.2f/%.2f",
                              c.name(),
                              c.threads(),
                              c.voluntary(),
                              c.involuntary()))
                  .collect(Collectors.joining(", "));
      return String.format(
          Locale.ROOT,
          "%.2f voluntary + %.2f involuntary context switches (%s)",
          voluntary(),
          involuntary(),
          notable);
    }
  }

  /** The native id of the calling thread, or -1 where {@code /proc} does not tell it. */
  static long currentThreadTid() {
    try {
      return Long.parseLong(PROC.resolve("thread-self").toRealPath().getFileName().toString());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static void read(long pid, String prefix, Map<String, Counts> threads) {
    try (Stream<Path> tasks = Files.list(PROC.resolve(Long.toString(pid)).resolve("task"))) {
      tasks.forEach(
          task ->
              counts(task, prefix).ifPresent(c -> threads.put(pid + "/" + task.getFileName(), c)));
    } catch (IOException | UncheckedIOException e) {
      // The process ended, or there is no /proc: nothing of it is counted.
    }
  }

  private static Optional<Counts> counts(Path task, String prefix) {
    try (Stream<String> lines = Files.lines(task.resolve("status"))) {
      Map<String, String> status =
          lines
              .filter(line -> line.indexOf(':') > 0)
              .collect(
                  Collectors.toMap(
                      line -> line.substring(0, line.indexOf(':')),
                      line -> line.substring(line.indexOf(':') + 1).strip(),
                      (a, b) -> a));
      String name = status.get("Name");
      String voluntary = status.get("voluntary_ctxt_switches");
      String involuntary = status.get("nonvoluntary_ctxt_switches");
      if (name == null || voluntary == null || involuntary == null) {
        return Optional.empty();
      }
      return Optional.of(
          new Counts(prefix + name, Long.parseLong(voluntary), Long.parseLong(involuntary), 1));
    } catch (IOException | UncheckedIOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
