package com.infrafabric.governor.budget;

import java.util.ArrayList;
import java.util.List;

/**
 * The KEYS and ARGV of one budget script call, starting with the header every script's prelude
 * reads (see {@code budget_lib.lua}): prefix, time, zone and windows, idempotency, retention.
 */
final class BudgetCall {

  private final List<String> keys = new ArrayList<>(6);
  private final List<String> args = new ArrayList<>(20);

  private BudgetCall(
      BudgetKeys tenantKeys,
      CalendarWindows windows,
      long nowMillis,
      IdempotencyKey key,
      String fingerprint,
      BudgetSettings settings) {
    keys.add(tenantKeys.config());
    keys.add(key == null ? tenantKeys.config() : tenantKeys.idempotency(key));
    keys.add(tenantKeys.ledger());
    keys.add(tenantKeys.events());
    keys.add(tenantKeys.reservationExpiry());
    keys.add(tenantKeys.config());
    args.add(tenantKeys.prefix());
    args.add(Long.toString(nowMillis));
    args.add(windows.zone().getId());
    args.add(windows.dayId());
    args.add(windows.monthId());
    args.add(windows.oldestDayKept());
    args.add(windows.oldestMonthKept());
    args.add(key == null ? "" : key.value());
    args.add(fingerprint);
    args.add(Long.toString(settings.idempotencyTtl().toMillis()));
    args.add(Long.toString(settings.recordRetention().toMillis()));
  }

  static BudgetCall of(
      BudgetKeys tenantKeys,
      CalendarWindows windows,
      long nowMillis,
      IdempotencyKey key,
      String fingerprint,
      BudgetSettings settings) {
    return new BudgetCall(tenantKeys, windows, nowMillis, key, fingerprint, settings);
  }

  /** Sets the reservation hash the script works on (KEYS[6]). */
  BudgetCall reservationKey(String key) {
    keys.set(5, key);
    return this;
  }

  BudgetCall arg(String value) {
    args.add(value);
    return this;
  }

  BudgetCall arg(long value) {
    return arg(Long.toString(value));
  }

  BudgetCall args(List<String> values) {
    args.addAll(values);
    return this;
  }

  List<String> keys() {
    return keys;
  }

  List<String> args() {
    return args;
  }
}
