package com.infrafabric.benchmarks.load;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server time of each script, told apart by name: {@code INFO commandstats} counts every {@code
 * EVALSHA} (and every {@code FCALL}) as one command, so which script costs what is read from
 * Redis's slow log, which records the execution time (inner commands of a script included in its
 * own) and arguments of every command at least as slow as its threshold. At a threshold of zero it
 * records every command, which costs the server a little per command: use that in a measuring
 * phase, not under the load whose latency is reported. Under load, a threshold of a millisecond
 * records only the calls that could make a tail of their own, at no cost to the others. Redis 7
 * logs a script's inner commands too, under their own names.
 */
final class ScriptTimes {

  /** Entries the slow log keeps between two reads: more than Redis runs in one poll period. */
  private static final int CAPACITY = 100_000;

  /**
   * How often the slow log is read and emptied while recording: often enough that one read stays
   * well within the command timeout.
   */
  private static final long POLL_MILLIS = 200;

  private final RedisStore store;
  private final Map<String, String> names = new LinkedHashMap<>();
  private final Map<String, List<Long>> micros = new TreeMap<>();
  private volatile boolean recording;
  private Thread poller;

  /** Times the scripts of {@code store}, naming those in {@code scripts}. */
  ScriptTimes(RedisStore store, Collection<LuaScript> scripts) {
    this.store = store;
    scripts.forEach(script -> names.put(script.id(), script.name()));
  }

  /**
   * Empties the slow log and records every command that runs for {@code slowerThanMicros} or more
   * from now on (0: every command); blocks until recording.
   */
  void start(int slowerThanMicros) {
    micros.clear();
    config("slowlog-max-len", CAPACITY);
    send(Request.cmd(Command.SLOWLOG).arg("RESET"));
    config("slowlog-log-slower-than", slowerThanMicros);
    recording = true;
    poller = new Thread(this::poll, "slowlog-poller");
    poller.start();
  }

  /**
   * Stops recording and returns each command's times since {@link #start()} (a few entries logged
   * between a read and the reset after it may be missed); blocks.
   */
  Map<String, Times> stop() {
    recording = false;
    try {
      poller.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the slow log poller", e);
    }
    config("slowlog-log-slower-than", 10_000);
    drain();
    Map<String, Times> result = new TreeMap<>();
    micros.forEach((name, times) -> result.put(name, Times.of(times)));
    return Collections.unmodifiableMap(result);
  }

  private void poll() {
    while (recording) {
      drain();
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Moves what the slow log holds into {@link #micros} and empties it. */
  private void drain() {
    Response log = send(Request.cmd(Command.SLOWLOG).arg("GET").arg(-1));
    send(Request.cmd(Command.SLOWLOG).arg("RESET"));
    for (Response entry : log) {
      micros
          .computeIfAbsent(nameOf(entry.get(3)), ignored -> new ArrayList<>())
          .add(entry.get(2).toLong());
    }
  }

  private String nameOf(Response args) {
    String command = args.get(0).toString().toLowerCase(Locale.ROOT);
    return switch (command) {
      case "evalsha", "evalsha_ro", "fcall", "fcall_ro" ->
          scriptName(command, args.get(1).toString());
      default -> command;
    };
  }

  /** The name of the script Redis calls by {@code id} ({@link LuaScript#id()}). */
  private String scriptName(String command, String id) {
    return names.getOrDefault(id, command + ' ' + id.substring(0, Math.min(8, id.length())));
  }

  private void config(String parameter, int value) {
    send(Request.cmd(Command.CONFIG).arg("SET").arg(parameter).arg(value));
  }

  private Response send(Request request) {
    return store.send(request).await();
  }

  /**
   * One command's recorded execution times.
   *
   * @param calls how many ran
   * @param meanMicros mean execution time
   * @param p50Micros median
   * @param p99Micros 99th percentile
   * @param maxMicros the longest
   */
  record Times(int calls, double meanMicros, long p50Micros, long p99Micros, long maxMicros) {

    static Times of(List<Long> micros) {
      long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
      double mean = Arrays.stream(sorted).average().orElse(0);
      return new Times(
          sorted.length, mean, rank(sorted, 0.5), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile of sorted values. */
    private static long rank(long[] sorted, double quantile) {
      return sorted[Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1)];
    }
  }
}
