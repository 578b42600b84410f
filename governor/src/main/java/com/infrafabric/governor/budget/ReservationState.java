package com.infrafabric.governor.budget;

import java.util.Arrays;
import java.util.Locale;

/** Where a reservation stands: open (holding its amount) or finished one of three ways. */
public enum ReservationState {
  ACTIVE,
  COMMITTED,
  RELEASED,
  EXPIRED;

  /** The name the scripts store and the API shows: {@code active}, {@code committed}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ReservationState fromWireName(String name) {
    return Arrays.stream(values())
        .filter(state -> state.wireName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("unknown reservation state " + name));
  }
}
