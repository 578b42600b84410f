package com.infrafabric.governor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The remaining-budget gauge: one series per budgeted scope and window, bounded, kept fresh. */
@Timeout(60)
class BudgetGaugesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private GovernorRig rig;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-12-05T10:00:00Z"));
    Await.result(rig.redis.send(Request.cmd(Command.FLUSHALL)));
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private BudgetGauges gauges(int maxSeries) {
    return new BudgetGauges(
        rig.redis, rig.budgets, new BudgetGaugeSettings(maxSeries, Duration.ofSeconds(30)), meters);
  }

  /** {@code scope|window} to the value of each series of the gauge. */
  private Map<String, Double> remaining() {
    return meters.find("governor.budget.remaining").gauges().stream()
        .collect(
            Collectors.toMap(
                gauge -> gauge.getId().getTag("scope") + "|" + gauge.getId().getTag("window"),
                Gauge::value));
  }

  private double truncated() {
    return meters.get("governor.budget.remaining.truncated").gauge().value();
  }

  @Test
  void eachBudgetedScopeAndWindowShowsCapMinusSpentMinusHeld() {
    String t = GovernorRig.freshTenant("gauge");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    rig.budget(t + "/p", Window.DAY, 50_000);
    rig.commit(rig.reserved(t + "/p/a", 10_000).id(), 7_000);
    rig.reserved(t + "/p/a", 3_000);
    BudgetGauges gauges = gauges(100);

    Await.result(gauges.refresh());

    assertThat(remaining())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(t + "|lifetime", 990_000.0, t + "/p|day", 40_000.0));
    assertThat(truncated()).isZero();
  }

  @Test
  void aRefreshFollowsSpendAndDropsScopesWhoseBudgetWasRemoved() {
    String t = GovernorRig.freshTenant("gauge");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    rig.budget(t + "/gone", Window.LIFETIME, 1_000);
    BudgetGauges gauges = gauges(100);
    Await.result(gauges.refresh());

    rig.charge(t + "/x", 250_000);
    Await.result(rig.budgets.delete(Scope.parse(t + "/gone"), GovernorRig.ADMIN));
    Await.result(gauges.refresh());

    assertThat(remaining()).containsExactlyInAnyOrderEntriesOf(Map.of(t + "|lifetime", 750_000.0));
  }

  @Test
  void theGaugeShowsAtMostMaxSeriesAndSaysItLeftSomeOut() {
    for (int i = 0; i < 3; i++) {
      String t = GovernorRig.freshTenant("gauge");
      rig.budget(t, Window.LIFETIME, 1_000_000);
      rig.budget(t + "/p", Window.LIFETIME, 1_000);
    }
    BudgetGauges gauges = gauges(5);

    Await.result(gauges.refresh());

    assertThat(remaining()).hasSize(5);
    assertThat(truncated()).isEqualTo(1);
  }

  @Test
  void aTenantWithManyBudgetsTakesItsShareAndNoMore() {
    // The probe: one tenant's admin put hundreds of budgets, and another tenant's exhausted cap
    // dropped out of the gauge an operator alerts on.
    String greedy = GovernorRig.freshTenant("aaa");
    rig.budget(greedy, Window.LIFETIME, 1_000_000);
    for (int i = 0; i < 20; i++) {
      rig.budget(greedy + "/b" + i, Window.LIFETIME, 1_000);
    }
    String modest = GovernorRig.freshTenant("zzz");
    rig.budget(modest, Window.DAY, 100);
    rig.charge(modest + "/agent", 100);
    BudgetGauges gauges = gauges(12);

    Await.result(gauges.refresh());

    Map<String, Double> shown = remaining();
    assertThat(shown).containsEntry(modest + "|day", 0.0).containsKey(greedy + "|lifetime");
    assertThat(shown.keySet().stream().filter(series -> series.startsWith(greedy))).hasSize(6);
    assertThat(truncated()).isEqualTo(1);
  }

  /**
   * Regression: the refresh-failure counter was made on the failure path without help text, so
   * after the first Redis outage the scrape failed {@code promtool check metrics}. Every meter the
   * gauge uses exists, described, before anything fails.
   */
  @Test
  void everyMeterItUsesIsDescribedBeforeAnythingFails() {
    gauges(10);
    assertThat(meters.get("governor.budget.remaining.refresh.failures").counter().count()).isZero();
    assertThat(meters.getMeters())
        .allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank());
  }

  @Test
  void noSeriesWhenTurnedOff() {
    rig.budget(GovernorRig.freshTenant("gauge"), Window.LIFETIME, 1_000_000);
    BudgetGauges gauges = gauges(0);

    Await.result(gauges.refresh());

    assertThat(remaining()).isEmpty();
    assertThat(truncated()).isZero();
  }
}
