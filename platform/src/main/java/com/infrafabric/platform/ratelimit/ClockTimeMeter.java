package com.infrafabric.platform.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Instant;

/** Bucket4j's time source read from the injected {@link Clock}, so tests move time by hand. */
public record ClockTimeMeter(Clock clock) implements TimeMeter {

  @Override
  public long currentTimeNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Wall-clock time: every node reads its own clock, and buckets are shared between nodes. */
  @Override
  public boolean isWallClockBased() {
    return true;
  }
}
