package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static com.infrafabric.governor.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant holds usage counters for at most {@code budget.maxScopes} distinct scopes. Before, an
 * agent confined to {@code t/q} could charge 1 µ$ on {@code t/q/r1/r2/leafN} for ever new N, and
 * each new name left lifetime counters (which never roll over) for good.
 */
@Timeout(60)
class ScopeLimitTest {

  private static final long MAX_SCOPES = 4;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;
  private static BudgetEngine engine;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    TenantScripts scripts =
        new TenantScripts(
            rig.redis,
            rig.clock,
            BudgetSettings.DEFAULTS.idempotencyTtl(),
            BudgetSettings.DEFAULTS.recordRetention(),
            MAX_SCOPES);
    engine =
        new BudgetEngine(scripts, rig.pricing, BudgetSettings.DEFAULTS, new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aChargeOnOneScopeMoreThanTheTenantMayCountIsRefusedAndWritesNothing() {
    String t = tenantAtItsScopeLimit("charge");
    Map<String, String> before = contents(t);

    assertScopeLimit(() -> charge(t + "/q/r1/r2/leafxyz", 3), t + "/q/r1/r2/leafxyz");
    assertScopeLimit(() -> charge(t + "/q/other/leaf", 3), t + "/q/other");

    assertThat(contents(t)).isEqualTo(before);
  }

  @Test
  void aReservationOnANewScopeIsRefusedTooWhileKnownScopesStillSpend() {
    String t = tenantAtItsScopeLimit("reserve");
    Map<String, String> before = contents(t);

    assertScopeLimit(() -> reserve(t + "/fresh", 5), t + "/fresh");
    assertThat(contents(t)).isEqualTo(before);

    charge(t + "/q/r1", 7);
    Reserved held = (Reserved) reserve(t + "/q/r1/r2", 5);
    Await.result(engine.commit(new CommitRequest(held.id(), Spend.amount(5), newKey())));

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(3 * 3 + 7 + 5);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  /** A tenant with a budget on its root and counters on t, t/q, t/q/r1, t/q/r1/r2: four scopes. */
  private static String tenantAtItsScopeLimit(String hint) {
    String t = freshTenant(hint);
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t + "/q", 3);
    charge(t + "/q/r1", 3);
    charge(t + "/q/r1/r2", 3);
    return t;
  }

  private static ChargeResult charge(String scope, long micros) {
    return Await.result(
        engine.charge(new ChargeRequest(Scope.parse(scope), Spend.amount(micros), newKey())));
  }

  private static ReserveOutcome reserve(String scope, long micros) {
    return Await.result(
        engine.reserve(
            new ReserveRequest(Scope.parse(scope), Spend.amount(micros), null, newKey())));
  }

  private static void assertScopeLimit(ThrowingCallable call, String scope) {
    assertThat(assertRefused(ErrorCode.SCOPE_LIMIT, call).details())
        .containsEntry("scope", scope)
        .containsEntry("max", MAX_SCOPES);
  }

  /** Every key of the tenant with a digest of its value (DUMP), so any write shows. */
  private static Map<String, String> contents(String tenant) {
    Map<String, String> found = new TreeMap<>();
    Response keys =
        Await.result(
            rig.redis.send(
                Request.cmd(Command.KEYS).arg(TenantKeyNames.of(tenant).prefix() + "*")));
    for (Response key : keys) {
      Response dump = Await.result(rig.redis.send(Request.cmd(Command.DUMP).arg(key.toString())));
      found.put(key.toString(), dump.toString());
    }
    return found;
  }
}
