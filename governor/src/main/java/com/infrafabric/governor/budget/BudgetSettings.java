package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.RecordCharge;
import com.infrafabric.wire.reservation.ReservationWire;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Time limits of the budget engine, and the most one call may take.
 *
 * @param defaultReservationTtl how long a reservation holds when the request names no TTL
 * @param maxReservationTtl the longest TTL a request may ask for
 * @param idempotencyTtl how long a result is kept for replays; at least 24 hours
 * @param recordRetention how long a finished reservation's record stays readable, so a late commit
 *     or release hears what happened to it
 * @param callLimits the most one call may reserve, commit or charge, checked on what callers report
 *     over the REST API
 * @param maxScopes the most distinct scopes one tenant holds usage counters for (1..10,000,000):
 *     naming a fresh sub-scope in a reserve, charge or claim creates its counters, and lifetime
 *     counters never roll over, so without a bound each new name would be a permanent key. A spend
 *     (or a budget that would name one more) is refused with {@code SCOPE_LIMIT} and writes
 *     nothing; a subtree below the tenant's root holds at most half of its parent's share.
 * @param tenantRecordsPerHour the most records one tenant's requests may leave in the shared store
 *     per hour ({@link RecordCharge}: a reserve is charged 6, a charge 2, a claim 12, a change of
 *     the tenant's configuration 1; their settlements nothing), from the largest charge to
 *     1,000,000,000: a reserve and its release cost no money, so only this bounds what a tenant
 *     with many principals keeps in the memory every tenant shares. A request beyond it is refused
 *     with {@code TENANT_WRITE_QUOTA} and writes nothing.
 */
public record BudgetSettings(
    Duration defaultReservationTtl,
    Duration maxReservationTtl,
    Duration idempotencyTtl,
    Duration recordRetention,
    CallLimits callLimits,
    long maxScopes,
    long tenantRecordsPerHour) {

  public static final Duration MIN_RESERVATION_TTL = Duration.ofSeconds(1);
  public static final Duration MIN_IDEMPOTENCY_TTL = Duration.ofHours(24);
  public static final long MAX_SCOPES_CEILING = 10_000_000;
  public static final long RECORDS_PER_HOUR_CEILING = 1_000_000_000;

  public static final BudgetSettings DEFAULTS =
      new BudgetSettings(
          Duration.ofMinutes(5),
          Duration.ofHours(24),
          Duration.ofHours(25),
          Duration.ofHours(48),
          CallLimits.DEFAULTS,
          10_000,
          3_600_000);

  public BudgetSettings {
    Objects.requireNonNull(defaultReservationTtl, "defaultReservationTtl");
    Objects.requireNonNull(maxReservationTtl, "maxReservationTtl");
    Objects.requireNonNull(idempotencyTtl, "idempotencyTtl");
    Objects.requireNonNull(recordRetention, "recordRetention");
    Objects.requireNonNull(callLimits, "callLimits");
    if (idempotencyTtl.compareTo(MIN_IDEMPOTENCY_TTL) < 0) {
      throw new IllegalArgumentException(
          "budget.idempotencyTtl " + idempotencyTtl + " is shorter than the minimum of 24 hours");
    }
    if (recordRetention.isNegative() || recordRetention.isZero()) {
      throw new IllegalArgumentException(
          "budget.recordRetention " + recordRetention + " must be positive");
    }
    if (maxScopes < 1 || maxScopes > MAX_SCOPES_CEILING) {
      throw new IllegalArgumentException(
          "budget.maxScopes " + maxScopes + " is outside 1.." + MAX_SCOPES_CEILING);
    }
    if (tenantRecordsPerHour < RecordCharge.largest()
        || tenantRecordsPerHour > RECORDS_PER_HOUR_CEILING) {
      throw new IllegalArgumentException(
          "budget.tenantRecordsPerHour "
              + tenantRecordsPerHour
              + " is outside "
              + RecordCharge.largest()
              + ".."
              + RECORDS_PER_HOUR_CEILING
              + " (the largest charge, a claim's, to the ceiling)");
    }
    if (maxReservationTtl.compareTo(MIN_RESERVATION_TTL) < 0) {
      throw new IllegalArgumentException(
          "budget.maxReservationTtl " + maxReservationTtl + " is shorter than 1 second");
    }
    // Checked here, not first when a request names no TTL: it would then be refused as the
    // request's own ttl_seconds, which it never sent.
    if (defaultReservationTtl.compareTo(MIN_RESERVATION_TTL) < 0
        || defaultReservationTtl.compareTo(maxReservationTtl) > 0) {
      throw new IllegalArgumentException(
          "budget.defaultReservationTtl "
              + defaultReservationTtl
              + " is outside 1 second..budget.maxReservationTtl ("
              + maxReservationTtl
              + ")");
    }
  }

  /**
   * These settings with {@code tenantRecordsPerHour}: for harnesses that drive one tenant harder
   * than the default serves.
   */
  public BudgetSettings withTenantRecordsPerHour(long tenantRecordsPerHour) {
    return new BudgetSettings(
        defaultReservationTtl,
        maxReservationTtl,
        idempotencyTtl,
        recordRetention,
        callLimits,
        maxScopes,
        tenantRecordsPerHour);
  }

  /**
   * The longest TTL a request may name in whole seconds ({@code ttl_seconds}): the range it may use
   * is 1..this.
   */
  public long maxReservationTtlSeconds() {
    return maxReservationTtl.toSeconds();
  }

  /**
   * The TTL a request gets: its own if within bounds, the default if it named none. A TTL out of
   * bounds is the request's {@code ttl_seconds} (the wire's name for it), refused like any other
   * field out of its range, naming the range in whole seconds ({@code details.min}, {@code
   * details.max}) as the REST API reads the field.
   */
  Duration ttlFor(Duration requested) {
    Duration ttl = requested == null ? defaultReservationTtl : requested;
    if (ttl.compareTo(MIN_RESERVATION_TTL) < 0 || ttl.compareTo(maxReservationTtl) > 0) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          ReservationWire.TTL_SECONDS
              + " of "
              + BigDecimal.valueOf(ttl.toMillis(), 3).stripTrailingZeros().toPlainString()
              + " is outside "
              + MIN_RESERVATION_TTL.toSeconds()
              + ".."
              + maxReservationTtlSeconds()
              + " (budget.maxReservationTtl)",
          Map.of(
              "field",
              ReservationWire.TTL_SECONDS,
              "min",
              MIN_RESERVATION_TTL.toSeconds(),
              "max",
              maxReservationTtlSeconds()));
    }
    return ttl;
  }
}
