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
import java.util.TreeSet;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant holds usage counters or budgets for at most {@code budget.maxScopes} distinct scopes,
 * and a subtree below its root for at most half of its parent's share. Before, an agent confined to
 * {@code t/q} could charge 1 µ$ on {@code t/q/r1/r2/leafN} for ever new N, and each new name left
 * lifetime counters (which never roll over) for good; then, with the tenant-wide bound alone, the
 * same agent could fill the whole bound and lock its siblings out of their first spend for good;
 * and budgets on new scopes were counted nowhere.
 */
@Timeout(60)
class ScopeLimitTest {

  private static final long MAX_SCOPES = 8;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;
  private static BudgetEngine engine;
  private static Budgets budgets;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    TenantScripts scripts =
        new TenantScripts(
            rig.redis,
            rig.clock,
            BudgetSettings.DEFAULTS.idempotencyTtl(),
            BudgetSettings.DEFAULTS.recordRetention(),
            MAX_SCOPES,
            BudgetSettings.DEFAULTS.tenantRecordsPerHour());
    engine =
        new BudgetEngine(scripts, rig.pricing, BudgetSettings.DEFAULTS, new SimpleMeterRegistry());
    budgets = new Budgets(rig.redis, engine);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aChargeOnOneScopeMoreThanTheTenantMayCountIsRefusedAndWritesNothing() {
    String t = tenantAtItsScopeLimit("charge");
    Map<String, String> before = contents(t);

    assertScopeLimit(() -> charge(t + "/h", 3), t + "/h", t, MAX_SCOPES);
    assertScopeLimit(() -> charge(t + "/a/new/leaf", 3), t + "/a/new", t, MAX_SCOPES);

    assertThat(contents(t)).isEqualTo(before);
  }

  @Test
  void aReservationOnANewScopeIsRefusedTooWhileKnownScopesStillSpend() {
    String t = tenantAtItsScopeLimit("reserve");
    Map<String, String> before = contents(t);

    assertScopeLimit(() -> reserve(t + "/fresh", 5), t + "/fresh", t, MAX_SCOPES);
    assertThat(contents(t)).isEqualTo(before);

    charge(t + "/a", 7);
    Reserved held = (Reserved) reserve(t + "/b", 5);
    Await.result(engine.commit(new CommitRequest(held.id(), Spend.amount(5), newKey())));

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(7 * 3 + 7 + 5);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aSubtreeFillsHalfOfItsParentsShareAndItsSiblingsStillSpend() {
    String t = freshTenant("subtree");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    // t/q may hold 4 of the tenant's 8, t/q/x 2 of those: t/q, t/q/x, t/q/x/1, then t/q/y.
    charge(t + "/q/x/1", 1);
    Map<String, String> before = contents(t);

    assertScopeLimit(() -> charge(t + "/q/x/2", 1), t + "/q/x/2", t + "/q/x", 2);
    assertThat(contents(t)).isEqualTo(before);
    charge(t + "/q/y", 1);
    assertScopeLimit(() -> charge(t + "/q/z", 1), t + "/q/z", t + "/q", 4);
    assertScopeLimit(() -> reserve(t + "/q/y/deeper", 1), t + "/q/y/deeper", t + "/q", 4);

    charge(t + "/s/first", 1);
    charge(t + "/q/x/1", 1);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(4);
  }

  @Test
  void aBudgetOnANewScopeCountsAmongTheScopesAndIsRefusedPastTheBound() {
    String t = freshTenant("budgets");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    for (String team : new String[] {"a", "a/1", "a/2", "a/3"}) {
      Await.result(budgets.put(cap(t + "/" + team), GovernorRig.ADMIN));
    }
    Map<String, String> before = contents(t);

    assertScopeLimit(
        () -> Await.result(budgets.put(cap(t + "/a/4"), GovernorRig.ADMIN)),
        t + "/a/4",
        t + "/a",
        4);

    assertThat(contents(t)).isEqualTo(before);
    Await.result(
        budgets.put(cap(t + "/a/1"), GovernorRig.ADMIN)); // a scope it holds already: replaced
    Await.result(budgets.put(cap(t + "/b"), GovernorRig.ADMIN));
    charge(t + "/a/2", 1);
  }

  /** A tenant with a budget on its root and counters on t/a to t/g: eight scopes, one each. */
  private static String tenantAtItsScopeLimit(String hint) {
    String t = freshTenant(hint);
    rig.budget(t, Window.LIFETIME, 1_000_000);
    for (String child : new String[] {"a", "b", "c", "d", "e", "f", "g"}) {
      charge(t + "/" + child, 3);
    }
    return t;
  }

  private static Budget cap(String scope) {
    return Budget.of(Scope.parse(scope), Window.DAY, Limit.of(1_000));
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

  private static void assertScopeLimit(
      ThrowingCallable call, String scope, String subtree, long max) {
    assertThat(assertRefused(ErrorCode.SCOPE_LIMIT, call).details())
        .containsEntry("scope", scope)
        .containsEntry("subtree", subtree)
        .containsEntry("max", max);
  }

  /**
   * Every key of the tenant with its value: a set's members in order, any other value's DUMP, so
   * any write shows (a set's DUMP follows its hash table, whose order a mere read may change while
   * it rehashes).
   */
  private static Map<String, String> contents(String tenant) {
    Map<String, String> found = new TreeMap<>();
    Response keys =
        Await.result(
            rig.redis.send(
                Request.cmd(Command.KEYS).arg(TenantKeyNames.of(tenant).prefix() + "*")));
    for (Response key : keys) {
      String name = key.toString();
      String type = Await.result(rig.redis.send(Request.cmd(Command.TYPE).arg(name))).toString();
      Request read =
          type.equals("set")
              ? Request.cmd(Command.SMEMBERS).arg(name)
              : Request.cmd(Command.DUMP).arg(name);
      Response value = Await.result(rig.redis.send(read));
      found.put(
          name,
          type.equals("set")
              ? new TreeSet<>(value.stream().map(Response::toString).toList()).toString()
              : value.toString());
    }
    return found;
  }
}
