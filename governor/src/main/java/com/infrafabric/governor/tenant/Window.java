package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.util.Locale;

/**
 * The periods a cap applies to. Day and month windows follow the tenant's calendar (UTC unless the
 * tenant sets a zone) and roll over by key name: a new window starts at zero with nothing to reset.
 */
public enum Window {
  LIFETIME,
  DAY,
  MONTH;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * The name used in the API and in the Redis budget fields. Made once: every reserve and commit
   * names each window of each layer it reports, and lower-casing on each call showed in a profile.
   */
  public String wireName() {
    return wireName;
  }

  public static Window fromWireName(String name) {
    for (Window window : values()) {
      if (window.wireName().equals(name)) {
        return window;
      }
    }
    throw new GovernorException(
        ErrorCode.INVALID_BUDGET, "window '" + name + "' must be one of lifetime, day, month");
  }
}
