package com.infrafabric.governor.tenant;

import com.infrafabric.platform.cache.LruMap;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * Remembers each tenant's zone, and the calendar windows it last ran in, so that window names can
 * be computed before a script runs, and only once a day per tenant rather than on every call. A
 * stale zone is harmless: the script compares the zone it was given with the stored one and answers
 * with the right zone, and the call is repeated once. Bounded; least recently used entries go.
 */
final class TenantZones {

  /** The zone of a tenant that never set one; named "UTC" as the scripts store it, not "Z". */
  static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");

  private final Map<String, CalendarWindows> windows;

  TenantZones(int capacity) {
    this.windows = new LruMap<>(capacity);
  }

  /** The windows containing {@code now} in the zone {@code tenant} was last seen in. */
  synchronized CalendarWindows windowsAt(String tenant, Instant now) {
    CalendarWindows known = windows.get(tenant);
    if (known != null && known.contains(now)) {
      return known;
    }
    ZoneId zone = known != null ? known.zone() : DEFAULT_ZONE;
    CalendarWindows current = CalendarWindows.at(now, zone);
    windows.put(tenant, current);
    return current;
  }

  /** Records that {@code tenant} is in {@code zone}, as of {@code now}. */
  synchronized void learn(String tenant, ZoneId zone, Instant now) {
    windows.put(tenant, CalendarWindows.at(now, zone));
  }
}
