package com.infrafabric.governor.pricing;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.GPT_TEST;
import static com.infrafabric.governor.testing.GovernorRig.MINI_TEST;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ChargeRequest;
import com.infrafabric.governor.budget.ChargeResult;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.FinishRequest;
import com.infrafabric.governor.claim.FinishResult;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.registry.BreakerState;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalogue published between a reservation (or a claim) and its commit (or finish) does not
 * reprice the tokens: they settle at the version the reservation was priced at, and usage on a
 * model removed since can still be recorded. A charge, which reserved nothing, is priced on the
 * current catalogue.
 */
@Timeout(60)
class PriceChangeBeforeSettlementTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  /** gpt-test at twice its price, mini-test removed. */
  private static final List<ModelPrice> DEARER =
      List.of(new ModelPrice("gpt-test", 5_000_000, 2_500_000, 20_000_000));

  /** 1000 input and 1000 output tokens: 12,500 µ$ on gpt-test, 25,000 on {@link #DEARER}. */
  private static final TokenUsage USAGE = new TokenUsage(1_000, 0, 1_000);

  private static ClaimRig rig;
  private long version;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @BeforeEach
  void publishTheTestPrices() {
    version = Await.result(pricing().replace(List.of(GPT_TEST, MINI_TEST), -1)).version();
  }

  @Test
  void aCommitAfterAPriceRiseIsPricedAtTheReservationsVersionWithoutOverage() {
    String t = freshTenant("rise");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    Reserved reserved = reserve(t, "gpt-test");
    assertThat(reserved.amountMicros()).isEqualTo(12_500);
    assertThat(reserved.pricingVersion()).isEqualTo(version);
    republish();

    CommitResult result = commit(reserved, "gpt-test", GovernorRig.newKey());

    assertThat(result.actualMicros()).isEqualTo(12_500);
    assertThat(result.overage()).isFalse();
    assertThat(result.releasedMicros()).isZero();
    assertThat(lastOfType(t, "commit").fields())
        .containsEntry("pv", Long.toString(version))
        .containsEntry("ovr", "0");
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aCommitOnAModelRemovedSinceTheReservationIsRecordedAtTheReservationsVersion() {
    String t = freshTenant("removed");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    Reserved reserved = reserve(t, "mini-test");
    republish();

    CommitResult result = commit(reserved, "mini-test", GovernorRig.newKey());

    // 1000 * 0.15 + 1000 * 0.60
    assertThat(result.actualMicros()).isEqualTo(750);
    assertThat(lastOfType(t, "commit").fields())
        .containsEntry("model", "mini-test")
        .containsEntry("pv", Long.toString(version));
  }

  @Test
  void aRetriedCommitAfterAPriceChangeIsAReplayOfTheFirst() {
    String t = freshTenant("replay");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    Reserved reserved = reserve(t, "gpt-test");
    republish();
    IdempotencyKey key = GovernorRig.newKey();

    CommitResult first = commit(reserved, "gpt-test", key);
    CommitResult again = commit(reserved, "gpt-test", key);

    assertThat(again.replayed()).isTrue();
    assertThat(again.actualMicros()).isEqualTo(first.actualMicros()).isEqualTo(12_500);
    assertThat(rig.governor.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(12_500);
  }

  @Test
  void tokensOnAModelAddedSinceTheReservationArePricedOnTheCurrentCatalogue() {
    String t = freshTenant("added");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    Reserved reserved = reserve(t, "gpt-test");
    long added =
        Await.result(
                pricing()
                    .replace(
                        List.of(GPT_TEST, MINI_TEST, new ModelPrice("new-test", 1_000_000, 0, 0)),
                        version))
            .version();

    CommitResult result = commit(reserved, "new-test", GovernorRig.newKey());

    assertThat(result.actualMicros()).isEqualTo(1_000);
    assertThat(lastOfType(t, "commit").fields()).containsEntry("pv", Long.toString(added));
  }

  @Test
  void aChargeReservedNothingAndIsPricedOnTheCurrentCatalogue() {
    String t = freshTenant("charge");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    republish();

    ChargeResult result =
        Await.result(
            rig.governor.engine.charge(
                new ChargeRequest(
                    Scope.parse(t + "/p"), Spend.tokens("gpt-test", USAGE), GovernorRig.newKey())));

    assertThat(result.amountMicros()).isEqualTo(25_000);
    assertThat(lastOfType(t, "charge").fields()).containsEntry("pv", Long.toString(version + 1));
  }

  @Test
  void aFinishAfterAPriceRiseIsPricedAtTheVersionTheTaskWasClaimedAt() {
    String t = freshTenant("finish");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 20_000, 1));
    Claimed claim = rig.claimed(task("t1", t + "/p", Map.of("python", 1), 100_000));
    republish();

    FinishResult result =
        Await.result(
            rig.claims.finish(
                new FinishRequest(
                    claim.lease(),
                    "a1",
                    TaskOutcome.SUCCEEDED,
                    Spend.tokens("gpt-test", USAGE),
                    Optional.of(Duration.ofSeconds(1)),
                    GovernorRig.newKey())));

    assertThat(result.actualMicros()).isEqualTo(12_500);
    assertThat(result.overage()).isFalse();
    assertThat(result.breaker()).hasValue(BreakerState.CLOSED);
    assertThat(lastOfType(t, "commit").fields()).containsEntry("pv", Long.toString(version));
  }

  private static PricingCatalogues pricing() {
    return rig.governor.pricing;
  }

  /** Doubles gpt-test and removes mini-test, as a platform admin's PUT /v1/pricing would. */
  private void republish() {
    assertThat(Await.result(pricing().replace(DEARER, version)).version()).isEqualTo(version + 1);
  }

  private static Reserved reserve(String tenant, String model) {
    return (Reserved)
        Await.result(
            rig.governor.engine.reserve(
                new ReserveRequest(
                    Scope.parse(tenant + "/p"),
                    Spend.estimate(model, 1_000, 1_000),
                    null,
                    GovernorRig.newKey())));
  }

  private static CommitResult commit(Reserved reserved, String model, IdempotencyKey key) {
    return Await.result(
        rig.governor.engine.commit(
            new CommitRequest(reserved.id(), Spend.tokens(model, USAGE), key)));
  }

  private static LedgerEntry lastOfType(String tenant, String type) {
    List<LedgerEntry> entries =
        rig.governor.ledger(tenant).stream().filter(e -> e.type().equals(type)).toList();
    assertThat(entries).isNotEmpty();
    return entries.get(entries.size() - 1);
  }
}
