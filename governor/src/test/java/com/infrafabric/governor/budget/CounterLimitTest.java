package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static com.infrafabric.governor.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Money and tokens at the bound every counter keeps ({@link Money#MAX_MICROS}, 2^53 - 1): exact up
 * to it, refused one past it with {@code COUNTER_LIMIT}, nothing written by a refused operation,
 * reconciliation exact throughout. The review found a 1 micro-dollar charge vanish past 2^53 and
 * the counter wrap past 2^63; every path that adds to a counter is tried here.
 */
@Timeout(60)
class CounterLimitTest {

  private static final long MAX = Money.MAX_MICROS;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    Await.result(
        rig.pricing.replace(
            List.of(GovernorRig.GPT_TEST, GovernorRig.MINI_TEST, new ModelPrice("free", 0, 0, 0)),
            -1));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void theMaximumIsTheLargestIntegerALuaNumberHoldsExactly() {
    assertThat(MAX).isEqualTo(9_007_199_254_740_991L);
    assertThat((long) (double) MAX).isEqualTo(MAX);
    assertThat((long) (double) (MAX + 2)).isNotEqualTo(MAX + 2);
  }

  @Test
  void theScriptsTakeTheMaximumFromItsJavaDeclarationAndNowhereElse() {
    assertThat(TenantScripts.constants()).startsWith("local MAX_COUNTER = " + MAX + "\n");
    for (LuaScript script : GovernorService.scripts()) {
      if (script.source().contains("beyond_max")) {
        String source = script.source();
        assertThat(source).contains("\n" + TenantScripts.constants());
        assertThat(source.indexOf(TenantScripts.constants()))
            .as(script.name())
            .isLessThan(source.indexOf("beyond_max"));
        assertThat(script.source().split("MAX_COUNTER =", -1)).as(script.name()).hasSize(2);
      }
    }
  }

  @Test
  void amountsAndCapsPastTheMaximumAreRefusedBeforeAnythingRuns() {
    assertThat(Spend.amount(MAX)).isEqualTo(new Spend.Fixed(MAX, TokenUsage.NONE));
    for (long amount : List.of(MAX + 1, MAX + 2, Long.MAX_VALUE, -1L)) {
      assertInvalidAmount(() -> Spend.amount(amount));
      assertInvalidAmount(() -> Limit.of(amount));
    }
  }

  @Test
  void chargesCountExactlyUpToTheMaximumAndOneMoreIsRefused() {
    String t = freshTenant("max");
    rig.budget(t + "/a", Window.LIFETIME, MAX);

    rig.charge(t + "/a", MAX - 1);
    rig.charge(t + "/a", 1);

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(MAX);
    assertThat(rig.usage(t + "/a", Window.DAY).spentMicros()).isEqualTo(MAX);
    assertCounterLimit(() -> rig.charge(t + "/a", 1), t, "lifetime", "spent_micros");
    assertThat(rig.usage(t + "/a", Window.LIFETIME).spentMicros()).isEqualTo(MAX);
    assertThat(rig.ledger(t)).hasSize(2);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aChargeOfZeroAtTheMaximumIsStillRecorded() {
    String t = freshTenant("zero");
    rig.budget(t, Window.DAY, MAX);
    rig.charge(t, MAX);

    rig.charge(t, 0);

    assertThat(rig.ledger(t)).hasSize(2);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void manyLargeChargesStopExactlyAtTheMaximumWithReconciliationExactAfterEach() {
    String t = freshTenant("sum");
    rig.budget(t + "/a", Window.MONTH, MAX);
    rig.budget(t + "/b", Window.MONTH, MAX);
    long large = 1L << 50;

    for (int i = 0; i < 7; i++) {
      rig.charge(t + (i % 2 == 0 ? "/a" : "/b"), large);
      assertThat(rig.reconcile(t).consistent()).isTrue();
    }
    assertCounterLimit(() -> rig.charge(t + "/b", large), t, "lifetime", "spent_micros");
    assertThat(rig.reconcile(t).consistent()).isTrue();
    rig.charge(t + "/b", large - 1);

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(MAX);
    assertThat(rig.usage(t, Window.MONTH).spentMicros()).isEqualTo(MAX);
    assertThat(rig.usage(t + "/b", Window.MONTH).spentMicros()).isEqualTo(4 * large - 1);
    assertCounterLimit(() -> rig.charge(t + "/a", 1), t, "lifetime", "spent_micros");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aReservationCannotTakeAnUncappedAncestorPastTheMaximum() {
    String t = freshTenant("ancestor");
    rig.budget(t + "/a", Window.LIFETIME, MAX);
    rig.budget(t + "/b", Window.LIFETIME, MAX);
    Reserved whole = rig.reserved(t + "/a", MAX);

    assertCounterLimit(() -> rig.reserve(t + "/b", 1), t, "lifetime", "reserved_micros");
    assertCounterLimit(() -> rig.charge(t + "/b", 1), t, "lifetime", "spent_plus_reserved_micros");
    assertThat(rig.usage(t + "/b", Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(MAX);

    rig.release(whole.id());
    rig.charge(t + "/b", 1);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(1);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aCommitPastTheMaximumIsRefusedAndLeavesTheReservationActive() {
    String t = freshTenant("commit");
    rig.budget(t, Window.LIFETIME, MAX);
    Reserved held = rig.reserved(t + "/x", 10);
    rig.reserved(t + "/z", 5);
    rig.charge(t + "/y", MAX - 15);

    assertCounterLimit(
        () -> rig.commit(held.id(), 11), t, "lifetime", "spent_plus_reserved_micros");
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(15);

    CommitResult committed = rig.commit(held.id(), 10);
    assertThat(committed.actualMicros()).isEqualTo(10);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(MAX - 5);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(5);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aCommitPastItsExpiryAndPastTheMaximumWritesNothingNotEvenTheExpiry() {
    String t = freshTenant("late");
    rig.budget(t, Window.LIFETIME, MAX);
    Reserved held = rig.reserved(t + "/x", 10);
    rig.charge(t + "/y", MAX - 10);
    rig.clock.advance(Duration.ofHours(1));

    assertCounterLimit(() -> rig.commit(held.id(), 11), t, "lifetime", "spent_micros");

    assertThat(rig.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve", "charge");
    CommitResult late = rig.commit(held.id(), 10);
    assertThat(late.late()).isTrue();
    assertThat(rig.ledger(t))
        .extracting(LedgerEntry::type)
        .containsExactly("reserve", "charge", "expire", "commit");
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(MAX);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void tokenCountersStopAtTheMaximumToo() {
    String t = freshTenant("tokens");
    rig.budget(t, Window.LIFETIME, MAX);
    seedTokens(t, "life", MAX - 10);

    assertCounterLimit(() -> chargeTokens(t, 11), t, "lifetime", "input_tokens");
    chargeTokens(t, 10);

    TokenTotals tokens = rig.usage(t, Window.LIFETIME).tokens();
    assertThat(tokens).isEqualTo(new TokenTotals(MAX, 0, 0));
    assertCounterLimit(() -> chargeTokens(t, 1), t, "lifetime", "input_tokens");
  }

  @Test
  void aWindowMayRecordMoreTokensThanOneCallMay() {
    String t = freshTenant("totals");
    rig.budget(t, Window.DAY, MAX);
    for (int i = 0; i < 3; i++) {
      chargeTokens(t, TokenUsage.MAX_TOKENS);
    }

    assertThat(rig.usage(t, Window.DAY).tokens().inputTokens())
        .isEqualTo(3 * TokenUsage.MAX_TOKENS);
  }

  private static void chargeTokens(String scope, long inputTokens) {
    Await.result(
        rig.engine.charge(
            new ChargeRequest(
                Scope.parse(scope),
                Spend.tokens("free", new TokenUsage(inputTokens, 0, 0)),
                newKey())));
  }

  /** Sets the token counters of a window directly, as years of usage would have. */
  private static void seedTokens(String scope, String windowId, long inputTokens) {
    Await.result(
        rig.redis.send(
            Request.cmd(Command.HSET)
                .arg(TenantKeyNames.of(Scope.parse(scope).tenant()).usage(Scope.parse(scope)))
                .arg(windowId + ".t")
                .arg(inputTokens + ",0,0")));
  }

  private static void assertInvalidAmount(ThrowingCallable call) {
    assertRefused(ErrorCode.INVALID_AMOUNT, call);
  }

  private static void assertCounterLimit(
      ThrowingCallable call, String scope, String window, String counter) {
    GovernorException refused = assertRefused(ErrorCode.COUNTER_LIMIT, call);
    assertThat(refused.details())
        .containsAllEntriesOf(
            Map.of("scope", scope, "window", window, "counter", counter, "max", MAX));
    assertThat(refused.getMessage())
        .contains(scope, window, counter, Long.toString(MAX), "nothing was recorded");
  }
}
