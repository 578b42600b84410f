package com.infrafabric.governor.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One audit record of the tenant's ledger, written by the same script that changed the counters.
 *
 * @param id the stream id, also the paging cursor
 * @param type reserve, commit, release, expire, charge; claim, finish, lease_expire, lease_disable
 *     (the claim path); agent (registry changes), vkey (virtual key changes); budget, zone, policy
 *     (configuration changes: {@code by} in fields names who made one). Only the money entries
 *     carry counter deltas, which reconciliation replays; the others move no money
 * @param timestamp when the governor performed the operation
 * @param scope the scope charged or reserved on
 * @param reference the reservation id or charge id
 * @param amountMicros the amount reserved, committed or charged (0 for release and expire)
 * @param reservedDeltaMicros change of the reserved counters (negative when a hold is given back)
 * @param reservedWindows the window ids the reserved change applies to
 * @param spentDeltaMicros change of the spent counters
 * @param spentWindows the window ids the spent change applies to
 * @param fields every raw field, for what is not modelled above (tokens, model, pricing version,
 *     overage and late flags, idempotency key, a call's attribution: {@code kid}, {@code prov},
 *     {@code lat_ms}, {@code out}; and {@code by = expiry} on the commit of a service's hold that
 *     its expiry made at the hold's whole amount)
 */
public record LedgerEntry(
    String id,
    String type,
    Instant timestamp,
    String scope,
    String reference,
    long amountMicros,
    long reservedDeltaMicros,
    List<String> reservedWindows,
    long spentDeltaMicros,
    List<String> spentWindows,
    Map<String, String> fields) {

  public LedgerEntry {
    reservedWindows = List.copyOf(reservedWindows);
    spentWindows = List.copyOf(spentWindows);
    fields = Map.copyOf(fields);
  }

  /** Builds an entry from the stream's raw field map. */
  public static LedgerEntry fromFields(String id, Map<String, String> fields) {
    return new LedgerEntry(
        id,
        fields.getOrDefault("t", ""),
        Instant.ofEpochMilli(number(fields, "ts")),
        fields.getOrDefault("scope", ""),
        fields.getOrDefault("rid", fields.getOrDefault("cid", "")),
        number(fields, "amt"),
        number(fields, "dr"),
        windows(fields.get("rw")),
        number(fields, "ds"),
        windows(fields.get("sw")),
        fields);
  }

  private static long number(Map<String, String> fields, String name) {
    String value = fields.get(name);
    return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
  }

  private static List<String> windows(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
  }
}
