package com.infrafabric.governor.tenant;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers each tenant's zone so that window names can be computed before a script runs. A stale
 * entry is harmless: the script compares the zone it was given with the stored one and answers with
 * the right zone, and the call is repeated once. Bounded; least recently used entries go.
 */
final class TenantZones {

  /** The zone of a tenant that never set one; named "UTC" as the scripts store it, not "Z". */
  static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");

  private final Map<String, ZoneId> zones;

  TenantZones(int capacity) {
    this.zones =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ZoneId> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized ZoneId zoneOf(String tenant) {
    return zones.getOrDefault(tenant, DEFAULT_ZONE);
  }

  synchronized void learn(String tenant, ZoneId zone) {
    zones.put(tenant, zone);
  }
}
