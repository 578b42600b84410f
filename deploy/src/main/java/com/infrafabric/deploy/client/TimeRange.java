package com.infrafabric.deploy.client;

import java.time.Instant;

/** The check the governor makes of a time range ({@code from}, {@code to}), made before sending. */
final class TimeRange {

  private TimeRange() {}

  /**
   * Refuses a range that does not end after it starts: it selects nothing, and the governor answers
   * it with 400, so it is a usage error found before anything is sent.
   *
   * @throws IllegalArgumentException naming the range
   */
  static void requireOrdered(Instant start, Instant end) {
    if (start != null && end != null && !end.isAfter(start)) {
      throw new IllegalArgumentException(
          "the range must end after it starts: " + start + ".." + end);
    }
  }
}
