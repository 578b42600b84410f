package com.infrafabric.deploy.client;

import com.infrafabric.governor.GovernorException;
import java.time.Instant;

/**
 * The governor's rule of a time range ({@link com.infrafabric.governor.ledger.TimeRange}), kept
 * before sending.
 */
final class TimeRange {

  private TimeRange() {}

  /**
   * Refuses a range the governor would refuse: a usage error found before anything is sent.
   *
   * @throws IllegalArgumentException naming the range
   */
  static void requireOrdered(Instant start, Instant end) {
    try {
      com.infrafabric.governor.ledger.TimeRange.requireOrdered(start, end);
    } catch (GovernorException refused) {
      throw new IllegalArgumentException(
          "the range must end after it starts: " + start + ".." + end);
    }
  }
}
