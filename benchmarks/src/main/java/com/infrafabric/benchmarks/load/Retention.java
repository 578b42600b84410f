package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long what a reserve + commit pair leaves in Redis stays there, and what that predicts the
 * store holds at a steady rate: the sizing formula of the README's section "Redis memory: what
 * stays and for how long", whose per-pair sizes are {@code MEMORY USAGE} figures taken there.
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

  /** The two idempotency records of a pair, the reserve's reply and the commit's. */
  static final long IDEMPOTENCY_BYTES_PER_PAIR = 1_170;

  /** The reservation's record. */
  static final long RESERVATION_BYTES = 360;

  /** The pair's two ledger entries in the stream. */
  static final long LEDGER_BYTES_PER_PAIR = 470;

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

  /** What one pair writes, were nothing ever dropped. */
  static long bytesPerPair() {
    return IDEMPOTENCY_BYTES_PER_PAIR + RESERVATION_BYTES + LEDGER_BYTES_PER_PAIR;
  }

  /**
   * The default budget settings with this reservation TTL and record retention; the idempotency TTL
   * goes through the hook.
   */
  BudgetSettings budget() {
    BudgetSettings defaults = BudgetSettings.DEFAULTS;
    return new BudgetSettings(
        reservationTtl, defaults.maxReservationTtl(), defaults.idempotencyTtl(), recordRetention);
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
   * The bytes the README's formula predicts the store holds, beyond an empty one, at {@code
   * pairsPerSecond} with reservations held {@code holdTime} before their commit, for {@code
   * tenants} tenants.
   */
  double predictedBytes(double pairsPerSecond, Duration holdTime, int tenants) {
    int passes = (tenants + TENANTS_PER_PAGE - 1) / TENANTS_PER_PAGE;
    double perRate =
        IDEMPOTENCY_BYTES_PER_PAIR * seconds(idempotencyTtl)
            + RESERVATION_BYTES * (seconds(holdTime) + seconds(recordRetention))
            + LEDGER_BYTES_PER_PAIR * (seconds(archiveAge) + seconds(archiveInterval) * passes);
    return pairsPerSecond * perRate;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
