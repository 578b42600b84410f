package com.infrafabric.governor.claim;

import java.util.Locale;

/** How the holder of a lease says its task ended. */
public enum TaskOutcome {
  /** Done: the task is completed and cannot be claimed again. */
  SUCCEEDED,
  /** Tried and failed: another agent may claim it, and the spend counts as wasted. */
  FAILED,
  /** Given up without a result: as a failure. */
  ABANDONED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static TaskOutcome fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
