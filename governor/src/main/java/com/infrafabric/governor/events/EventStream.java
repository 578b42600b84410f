package com.infrafabric.governor.events;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.util.Map;

/**
 * A tenant's two event streams. They are kept apart, each capped at about 100,000 events, so that a
 * storm of one kind (refused claims escalate one by one) can never trim the other's events before
 * they were delivered.
 */
public enum EventStream {
  /** Thresholds crossed and caps reached: what a budget's owners act on. */
  BUDGET("budget", "events"),
  /** Claim escalations and circuit breaker moves. */
  CLAIMS("claims", "claim-events");

  private final String wireName;
  private final String keySuffix;

  EventStream(String wireName, String keySuffix) {
    this.wireName = wireName;
    this.keySuffix = keySuffix;
  }

  /** The name the API and webhook payloads use: {@code budget} or {@code claims}. */
  public String wireName() {
    return wireName;
  }

  /** The Redis key of this stream of {@code tenant}; the scripts append to it. */
  public String key(String tenant) {
    return "gov:{" + tenant + "}:" + keySuffix;
  }

  /**
   * The stream named {@code name}.
   *
   * @throws GovernorException {@code INVALID_REQUEST} for any other name
   */
  public static EventStream fromWireName(String name) {
    for (EventStream stream : values()) {
      if (stream.wireName.equals(name)) {
        return stream;
      }
    }
    throw new GovernorException(
        ErrorCode.INVALID_REQUEST, "stream must be budget or claims", Map.of("field", "stream"));
  }
}
