package com.infrafabric.governor.tenant;

import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The calendar windows of now in each tenant zone, worked out once per zone and day instead of on
 * every script call: every budget script sends its windows' ids, and formatting them (and the
 * oldest ids kept) took a measurable share of a gateway call's CPU. A clock that moves back, as
 * tests move theirs, gets the windows of its own day again. Holds one entry per zone a tenant uses.
 * Thread-safe.
 */
final class CurrentWindows {

  private final ConcurrentMap<ZoneId, CalendarWindows> byZone = new ConcurrentHashMap<>();

  /** The windows containing {@code now} in {@code zone}: {@link CalendarWindows#at}'s. */
  CalendarWindows at(Instant now, ZoneId zone) {
    CalendarWindows known = byZone.get(zone);
    if (known != null && known.contains(now)) {
      return known;
    }
    CalendarWindows current = CalendarWindows.at(now, zone);
    byZone.put(zone, current);
    return current;
  }
}
