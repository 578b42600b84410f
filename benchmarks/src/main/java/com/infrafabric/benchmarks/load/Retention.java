package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long what a reserve + commit pair leaves in Redis stays there, and what that predicts the
 * store holds at a steady load: the sizing formula of the README's section "Redis memory: what
 * stays and for how long". Its per-record sizes are {@code used_memory} measured by deleting
 * records of each kind ({@code PairFootprintTest}), not {@code MEMORY USAGE}, which leaves out the
 * key's entry in the expiry table and the allocator's rounding of the table entries.
 *
 * @param idempotencyTtl how long the two idempotency records of a pair are kept; below the 24-hour
 *     floor of {@link BudgetSettings} only through the governor's test hook
 * @param reservationTtl how long a reservation holds unless committed or released ({@code
 *     budget.defaultReservationTtl}): a pair whose commit the service sheds leaves its hold this
 *     long, then the sweeper expires it
 * @param recordRetention how long a finished reservation's record stays ({@code
 *     budget.recordRetention})
 * @param archiveAge how old a ledger entry gets before the archive job moves it to a file ({@code
 *     ledger.archive.age}, at least a minute)
 * @param archiveInterval how often the archive job visits the tenants ({@code
 *     ledger.archive.interval}, at least a second)
 */
record Retention(
    Duration idempotencyTtl,
    Duration reservationTtl,
    Duration recordRetention,
    Duration archiveAge,
    Duration archiveInterval) {

  /** One idempotency record, the mean of a reserve's and a commit's: key, stored reply, tables. */
  static final long IDEMPOTENCY_RECORD_BYTES = 814;

  /** One reservation's record, with its entry in the expiry table. */
  static final long RESERVATION_BYTES = 400;

  /** One ledger entry in the stream, with its share of the stream's nodes. */
  static final long LEDGER_ENTRY_BYTES = 240;

  /** A slot of the key table or of the expiry table: one pointer. */
  static final long SLOT_BYTES = 8;

  /**
   * The share of keys with a TTL that have expired but are still held, as measured. Redis frees an
   * expired key that nothing touches only when its active expiry cycle samples it, and the cycle
   * stops once no more than 2 of a sample of 20 keys have expired; the share it leaves grows with
   * the keys expiring per second: 10% at 100/s, 14% at 600/s, 19% at 3,000/s on the two-core box,
   * and 15% in {@link MemoryUnderLoad}'s run at about 580/s.
   */
  static final double STALE_SHARE = 0.15;

  /** Redis's smallest table. */
  private static final long MIN_TABLE_SLOTS = 4;

  /** Tenants one pass of the archive job visits. */
  private static final int TENANTS_PER_PAGE = 100;

  Retention {
    // The service's own bounds on the archive age and interval, checked before anything starts.
    new LedgerArchiveSettings(Optional.empty(), archiveAge, archiveInterval);
    if (idempotencyTtl.toMillis() < 1 || recordRetention.toMillis() < 1) {
      throw new IllegalArgumentException(
          "idempotency TTL and record retention must be at least 1 ms");
    }
    if (reservationTtl.compareTo(BudgetSettings.MIN_RESERVATION_TTL) < 0) {
      throw new IllegalArgumentException(
          "reservation TTL "
              + reservationTtl
              + " is shorter than the service's minimum of 1 second");
    }
  }

  /** What one pair writes, were nothing ever dropped, the tables' slots apart. */
  static long bytesPerPair() {
    return 2 * IDEMPOTENCY_RECORD_BYTES + RESERVATION_BYTES + 2 * LEDGER_ENTRY_BYTES;
  }

  /**
   * The slots of a Redis table holding {@code keys} keys: the power of two at or above it. A table
   * doubles when its keys reach its slots and halves only when under a tenth full, so at a steady
   * load it has the slots of the most keys it held.
   */
  static long tableSlots(long keys) {
    return Math.max(MIN_TABLE_SLOTS, Long.highestOneBit(Math.max(1, keys - 1)) << 1);
  }

  /**
   * The default budget settings with this reservation TTL and record retention, and the tenant's
   * write quota where no run reaches it; the idempotency TTL goes through the hook.
   */
  BudgetSettings budget() {
    BudgetSettings defaults = BudgetSettings.DEFAULTS;
    return new BudgetSettings(
        reservationTtl,
        defaults.maxReservationTtl(),
        defaults.idempotencyTtl(),
        recordRetention,
        defaults.callLimits(),
        defaults.maxScopes(),
        BudgetSettings.RECORDS_PER_HOUR_CEILING);
  }

  /** The ledger archive into {@code directory} at this age and interval. */
  LedgerArchiveSettings archive(Path directory) {
    return new LedgerArchiveSettings(Optional.of(directory), archiveAge, archiveInterval);
  }

  /**
   * Load after which the store should drop as much as it takes in: the longer of the idempotency
   * TTL and a reservation's longest stay (held to its TTL, then retained), plus the archive age and
   * one archive interval, added rather than taking the longest of them, to leave a margin.
   */
  Duration warmup() {
    Duration reservation = reservationTtl.plus(recordRetention);
    Duration longer = idempotencyTtl.compareTo(reservation) > 0 ? idempotencyTtl : reservation;
    return longer.plus(archiveAge).plus(archiveInterval);
  }

  /**
   * The records the store holds at {@code load} for {@code tenants} tenants; their {@link
   * Held#bytes() bytes} are what the formula predicts beyond an empty store.
   */
  Held held(SteadyLoad load, int tenants) {
    double pairs = load.pairsPerSecond();
    double abandoned = load.abandonedPerSecond();
    double unreclaimed = 1 / (1 - STALE_SHARE);
    int passes = (tenants + TENANTS_PER_PAGE - 1) / TENANTS_PER_PAGE;
    return new Held(
        (2 * pairs + abandoned) * seconds(idempotencyTtl) * unreclaimed,
        pairs * seconds(load.holdTime()) + abandoned * seconds(reservationTtl),
        (pairs + abandoned) * seconds(recordRetention) * unreclaimed,
        2 * (pairs + abandoned) * (seconds(archiveAge) + seconds(archiveInterval) * passes));
  }

  /**
   * Records held at a steady load, expired ones not yet reclaimed included.
   *
   * @param idempotency idempotency records (each with a TTL)
   * @param holding reservations still holding (no TTL until they end)
   * @param retained finished reservations kept for the record retention (each with a TTL)
   * @param ledgerEntries entries in the ledger streams, not yet archived
   */
  record Held(double idempotency, double holding, double retained, double ledgerEntries) {

    /** Keys: one per idempotency record and per reservation. */
    double keys() {
      return idempotency + holding + retained;
    }

    /** Keys with a TTL, each also in the expiry table. */
    double expiring() {
      return idempotency + retained;
    }

    /** The records' bytes plus the slots of the key table and the expiry table. */
    double bytes() {
      return IDEMPOTENCY_RECORD_BYTES * idempotency
          + RESERVATION_BYTES * (holding + retained)
          + LEDGER_ENTRY_BYTES * ledgerEntries
          + SLOT_BYTES * (tableSlots(Math.round(keys())) + tableSlots(Math.round(expiring())));
    }
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
