package com.infrafabric.governor.budget;

import java.util.Locale;

/** Which reservations a listing shows: the open ones, the finished ones, or both. */
public enum ReservationFilter {
  OPEN,
  FINISHED,
  ANY;

  /** The name the API and the listing script take: {@code open}, {@code finished}, {@code any}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
