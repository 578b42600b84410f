package com.infrafabric.governor.spend;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerArchive;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.ledger.LedgerPage;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: ledger and spend ranges selected entries by their stream id (Redis's clock) while
 * reporting their {@code ts} and day windows (the node's clock), so an entry the node counted just
 * before midnight fell into the next day's report, and a ledger page from an instant returned
 * entries recorded before it. Here the node's clock runs seconds behind or ahead of Redis's, a
 * range boundary (the tenant's local midnight) lies between the two clocks, and every read must
 * select by {@code ts} and agree with the day counters, in the stream and in the archive alike.
 */
@Timeout(60)
class RangesFollowTheNodeClockTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** Charged with the node's clock a second before the boundary; sum 21. */
  private static final List<Long> BEFORE = List.of(1L, 4L, 16L);

  /** Charged with the node's clock a second after the boundary; sum 42. */
  private static final List<Long> AFTER = List.of(2L, 8L, 32L);

  @TempDir Path root;

  private GovernorRig rig;

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void aNodeClockBehindRedisCountsEntriesOnItsOwnSideOfTheBoundary() {
    checkBoundary(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10));
  }

  @Test
  void aNodeClockAheadOfRedisCountsEntriesOnItsOwnSideOfTheBoundary() {
    checkBoundary(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(30));
  }

  @Test
  void entriesReadNearTheRangeToFindItsOwnAreBoundedToo() {
    Instant now = Instant.now();
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at(now.minus(Duration.ofMinutes(2))));
    String t = freshTenant("clock-bound");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    for (int i = 0; i < 3; i++) {
      rig.charge(t + "/p", 1);
    }
    Ledger ledger = new Ledger(rig.redis);
    Instant from = now.minus(Duration.ofMinutes(1));
    Instant to = now.plus(Duration.ofHours(1));

    assertThat(Await.result(ledger.scan(t, from, to, 3, entry -> {}))).isZero();
    assertThatThrownBy(() -> Await.result(ledger.scan(t, from, to, 1, entry -> {})))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.REPORT_TOO_LARGE);
              assertThat(e.getMessage()).contains("more than 2 ledger entries", "clock skew");
            });
  }

  /** {@code boundary} lies between every entry's stream id time and half of their {@code ts}. */
  private void checkBoundary(Instant boundary) {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at(boundary));
    LedgerArchive archive =
        new LedgerArchive(
            rig.vertx, rig.redis, root, Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));

    String streamed = tenantWithMidnightAt(boundary);
    charge(streamed, boundary, 0, 3);
    check(new Ledger(rig.redis), streamed, boundary);

    String archived = tenantWithMidnightAt(boundary);
    charge(archived, boundary, 0, 2);
    assertThat(Await.result(archive.archiveOlderThan(archived, Duration.ofMinutes(1))))
        .as("the zone set, the budget put, then the charges' entries")
        .isEqualTo(6);
    charge(archived, boundary, 2, 3);
    check(new Ledger(rig.redis, archive), archived, boundary);
  }

  /** A tenant whose day windows end at {@code midnight}, with a day budget. */
  private String tenantWithMidnightAt(Instant midnight) {
    String t = freshTenant("clock");
    Await.result(rig.budgets.setZone(t, zoneWithMidnightAt(midnight).getId(), GovernorRig.ADMIN));
    rig.budget(t, Window.DAY, 1_000_000);
    return t;
  }

  /**
   * Charges {@code BEFORE[i]} and {@code AFTER[i]} for i in [from, to), the node clock alternating.
   */
  private void charge(String t, Instant boundary, int from, int to) {
    for (int i = from; i < to; i++) {
      rig.clock.set(boundary.minusSeconds(1));
      rig.charge(t + "/p", BEFORE.get(i));
      rig.clock.set(boundary.plusSeconds(1));
      rig.charge(t + "/p", AFTER.get(i));
    }
  }

  private void check(Ledger ledger, String t, Instant boundary) {
    LocalDate day = boundary.atZone(zoneWithMidnightAt(boundary)).toLocalDate();
    SpendReports reports = new SpendReports(ledger);
    SpendReport before =
        Await.result(
            reports.report(
                new SpendQuery(
                    Scope.parse(t),
                    boundary.minus(Duration.ofHours(1)),
                    boundary,
                    List.of(SpendDimension.DAY))));
    SpendReport after =
        Await.result(
            reports.report(
                new SpendQuery(
                    Scope.parse(t),
                    boundary,
                    boundary.plus(Duration.ofHours(1)),
                    List.of(SpendDimension.DAY))));

    assertThat(before.rows())
        .extracting(SpendRow::group, SpendRow::spentMicros)
        .containsExactly(tuple(List.of(day.minusDays(1).toString()), 21L));
    assertThat(after.rows())
        .extracting(SpendRow::group, SpendRow::spentMicros)
        .containsExactly(tuple(List.of(day.toString()), 42L));
    rig.clock.set(boundary.minusSeconds(1));
    assertThat(rig.usage(t, Window.DAY).spentMicros()).isEqualTo(21);
    rig.clock.set(boundary.plusSeconds(1));
    assertThat(rig.usage(t, Window.DAY).spentMicros()).isEqualTo(42);

    List<LedgerEntry> from = pages(ledger, t, boundary, null);
    assertThat(from).extracting(LedgerEntry::amountMicros).containsExactlyElementsOf(AFTER);
    assertThat(from).allSatisfy(e -> assertThat(e.timestamp()).isAfterOrEqualTo(boundary));
    List<LedgerEntry> to = pages(ledger, t, null, boundary.minusMillis(1));
    assertThat(to).extracting(LedgerEntry::amountMicros).containsExactlyElementsOf(BEFORE);
    assertThat(to).allSatisfy(e -> assertThat(e.timestamp()).isBefore(boundary));
  }

  /** The zone offset (whole seconds, within 18 hours) whose local midnight is {@code midnight}. */
  private static ZoneOffset zoneWithMidnightAt(Instant midnight) {
    int secondOfDay = (int) Math.floorMod(midnight.getEpochSecond(), 86_400L);
    return ZoneOffset.ofTotalSeconds(
        secondOfDay <= 18 * 3600 ? -secondOfDay : 86_400 - secondOfDay);
  }

  /** Every charge in the range, read one per page so each page boundary is crossed. */
  private static List<LedgerEntry> pages(Ledger ledger, String t, Instant from, Instant to) {
    List<LedgerEntry> all = new ArrayList<>();
    String cursor = null;
    do {
      LedgerPage page = Await.result(ledger.page(t, Scope.parse(t + "/p"), from, to, cursor, 1));
      all.addAll(page.entries());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }
}
