package com.infrafabric.benchmarks.load;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Two operations timed one at a time on the calling thread, in alternating rounds of {@link
 * #ROUND}: each side's latencies come from the same stretch of time, so a neighbour's burst or a
 * stall of the host lands on both alike, and the ratio of their percentiles is the code's. Timed
 * one after the other (two JMH forks, seconds apart), the engine's one-thread p99 over the raw
 * scripts' read 1.49, 3.49 and 3.73 in three measurements of one build on the 2026-12-06 box.
 */
public final class AlternatingRounds {

  /** How long one side runs before the other takes over. */
  static final Duration ROUND = Duration.ofMillis(100);

  private AlternatingRounds() {}

  /** The latencies of each side, measured alike. */
  public record Sides(Latency first, Latency second) {}

  /**
   * Runs both sides in alternating rounds for {@code warmup}, unrecorded, then for {@code measure},
   * recorded; each side gets about half of each. An operation is timed from the call that starts it
   * to its future's completion, awaited on this thread; one that fails fails the measurement.
   */
  public static Sides measure(
      Supplier<Future<?>> first, Supplier<Future<?>> second, Duration warmup, Duration measure) {
    alternate(first, second, warmup, Latency.histogram(), Latency.histogram());
    Histogram firstNanos = Latency.histogram();
    Histogram secondNanos = Latency.histogram();
    alternate(first, second, measure, firstNanos, secondNanos);
    return new Sides(Latency.of(firstNanos), Latency.of(secondNanos));
  }

  private static void alternate(
      Supplier<Future<?>> first,
      Supplier<Future<?>> second,
      Duration span,
      Histogram firstNanos,
      Histogram secondNanos) {
    long end = System.nanoTime() + span.toNanos();
    boolean firstsTurn = true;
    while (System.nanoTime() < end) {
      if (firstsTurn) {
        round(first, firstNanos);
      } else {
        round(second, secondNanos);
      }
      firstsTurn = !firstsTurn;
    }
  }

  private static void round(Supplier<Future<?>> operation, Histogram nanos) {
    long end = System.nanoTime() + ROUND.toNanos();
    long now;
    do {
      long start = System.nanoTime();
      operation.get().toCompletionStage().toCompletableFuture().join();
      now = System.nanoTime();
      nanos.recordValue(now - start);
    } while (now < end);
  }
}
