package com.infrafabric.governor.spend;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.ReservationHolder;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerArchive;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SpendReportsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /**
   * The node's clock: reports select entries by it, but stream ids carry Redis's real time, which
   * must lie within {@link Ledger#CLOCK_MARGIN} of it, so it stands at the real present.
   */
  private static final Instant NOW = Instant.now();

  private static final String TODAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC).toString();

  private static final Instant FROM = NOW.minus(Duration.ofHours(1));

  private static final Instant TO = NOW.plus(Duration.ofHours(1));

  @TempDir Path root;

  private GovernorRig rig;
  private LedgerArchive archive;
  private SpendReports reports;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at(NOW));
    archive =
        new LedgerArchive(
            rig.vertx, rig.redis, root, Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
    reports = new SpendReports(new Ledger(rig.redis, archive));
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private void call(String scope, String key, String model, long input, long output) {
    Reserved reserved =
        (Reserved)
            Await.result(
                rig.engine.reserve(
                    new ReserveRequest(
                        Scope.parse(scope),
                        Spend.estimate(model, input, 1_000),
                        null,
                        newKey(),
                        new CallAttribution(key, "openai", -1, ""))));
    Await.result(
        rig.engine.commit(
            new CommitRequest(
                reserved.id(),
                Spend.tokens(model, new TokenUsage(input, 0, output)),
                newKey(),
                null,
                ReservationHolder.NONE,
                new CallAttribution(key, "openai", 120, "ok"))));
  }

  private SpendReport report(String scope, SpendDimension... groupBy) {
    return Await.result(
        reports.report(new SpendQuery(Scope.parse(scope), FROM, TO, List.of(groupBy))));
  }

  /**
   * Regression: spend reports, each reading up to 400,000 ledger entries, had no bound on how many
   * a node ran at once. They share {@link SpendReports#MAX_RUNNING} slots fairly between tenants:
   * one tenant runs one report at a time, a third tenant is served while two hold the slots, and
   * past twice the bound the next is refused at once with {@code OVERLOADED} and a Retry-After.
   */
  @Test
  void reportsShareTheNodesSlotsFairlyBetweenTenants() {
    int served = 2 * SpendReports.MAX_RUNNING;
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i <= served; i++) {
      String t = freshTenant("slots");
      rig.budget(t, Window.LIFETIME, 1_000_000);
      rig.charge(t + "/a", 10 + i);
      tenants.add(t);
    }

    // Asked in one go on an event loop, before any report has had a reply from Redis.
    Promise<List<Future<SpendReport>>> asked = Promise.promise();
    rig.vertx
        .getOrCreateContext()
        .runOnContext(
            on -> {
              List<Future<SpendReport>> runs = new ArrayList<>();
              runs.add(reports.report(query(tenants.get(0))));
              runs.add(reports.report(query(tenants.get(0))));
              for (String t : tenants.subList(1, tenants.size())) {
                runs.add(reports.report(query(t)));
              }
              asked.complete(runs);
            });
    List<Future<SpendReport>> runs = Await.result(asked.future());

    assertOverloaded(runs.get(1));
    assertOverloaded(runs.get(runs.size() - 1));
    for (int i = 0; i < served; i++) {
      SpendReport report = Await.result(runs.get(i == 0 ? 0 : i + 1));
      assertThat(report.rows()).extracting(SpendRow::spentMicros).containsExactly(10L + i);
    }
    assertThat(Await.result(reports.report(query(tenants.get(served)))).rows())
        .as("once the reports ended, the refused tenant's is served")
        .hasSize(1);
  }

  private static SpendQuery query(String tenant) {
    return new SpendQuery(Scope.parse(tenant), FROM, TO, List.of(SpendDimension.SCOPE));
  }

  private static void assertOverloaded(Future<?> refused) {
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(com.infrafabric.platform.http.ErrorCode.OVERLOADED);
              assertThat(e.retryAfter()).isPresent();
            });
  }

  @Test
  void spendIsSummedPerKeyModelAndDayAndAgreesWithTheBudget() {
    String t = freshTenant("spend");
    rig.budget(t, Window.LIFETIME, 1_000_000_000);
    call(t + "/a", "k1", "gpt-test", 100, 50);
    call(t + "/a", "k1", "gpt-test", 10, 5);
    call(t + "/a", "k1", "mini-test", 100, 50);
    call(t + "/b", "k2", "gpt-test", 1, 1);
    rig.charge(t + "/b", 7);

    SpendReport report = report(t, SpendDimension.KEY, SpendDimension.MODEL, SpendDimension.DAY);

    assertThat(report.rows())
        .extracting(SpendRow::group)
        .containsExactly(
            List.of("", "", TODAY),
            List.of("k1", "gpt-test", TODAY),
            List.of("k1", "mini-test", TODAY),
            List.of("k2", "gpt-test", TODAY));
    SpendRow k1 = report.rows().get(1);
    assertThat(k1.calls()).isEqualTo(2);
    assertThat(k1.inputTokens()).isEqualTo(110);
    assertThat(k1.outputTokens()).isEqualTo(55);
    assertThat(report.rows().get(0).spentMicros()).isEqualTo(7);
    long total = report.rows().stream().mapToLong(SpendRow::spentMicros).sum();
    assertThat(total).isEqualTo(rig.usage(t, Window.LIFETIME).spentMicros()).isPositive();
  }

  @Test
  void aReportSeesOnlyItsSubtree() {
    String t = freshTenant("spend-sub");
    rig.budget(t, Window.LIFETIME, 1_000_000_000);
    call(t + "/a/x", "k1", "gpt-test", 100, 50);
    call(t + "/b", "k2", "gpt-test", 100, 50);

    SpendReport report = report(t + "/a", SpendDimension.SCOPE, SpendDimension.PROVIDER);

    assertThat(report.rows())
        .extracting(SpendRow::group)
        .containsExactly(List.of(t + "/a/x", "openai"));
    assertThat(report.rows().get(0).spentMicros())
        .isEqualTo(rig.usage(t + "/a/x", Window.LIFETIME).spentMicros());

    // What the rest of the tenant does is not even counted: the probe watched entries_scanned
    // grow with a sibling's charges.
    long read = report.entriesScanned();
    call(t + "/b", "k2", "gpt-test", 100, 50);
    assertThat(report(t + "/a", SpendDimension.SCOPE).entriesScanned()).isEqualTo(read);
  }

  @Test
  void archivedSpendIsReportedOnceBesideWhatIsStillInTheStream() {
    String t = freshTenant("spend-archive");
    rig.budget(t, Window.LIFETIME, 1_000_000_000);
    rig.charge(t + "/p", 10);
    rig.charge(t + "/p", 20);
    assertThat(Await.result(archive.archiveOlderThan(t, Duration.ofMinutes(1))))
        .as("the budget put and 2 charges")
        .isEqualTo(3);
    rig.charge(t + "/p", 30);

    SpendReport report = report(t, SpendDimension.SCOPE);

    assertThat(report.rows()).hasSize(1);
    assertThat(report.rows().get(0).spentMicros()).isEqualTo(60);
    assertThat(report.rows().get(0).calls()).isEqualTo(3);
    assertThat(report.entriesScanned()).as("the budget put and 3 charges").isEqualTo(4);
  }

  @Test
  void aRangeBeyondTheBoundsIsRefusedWithAStableCode() {
    String t = freshTenant("spend-big");
    rig.budget(t, Window.LIFETIME, 1_000_000_000);
    rig.charge(t + "/p", 1);
    rig.charge(t + "/p", 1);

    assertThatThrownBy(
            () ->
                new SpendQuery(
                    Scope.parse(t),
                    FROM,
                    FROM.plus(Duration.ofDays(93)),
                    List.of(SpendDimension.DAY)))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.REPORT_TOO_LARGE);
    assertThatThrownBy(() -> Await.result(new Ledger(rig.redis).scan(t, FROM, TO, 1, entry -> {})))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.REPORT_TOO_LARGE);
    assertThatThrownBy(() -> new SpendQuery(Scope.parse(t), TO, FROM, List.of(SpendDimension.DAY)))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }
}
