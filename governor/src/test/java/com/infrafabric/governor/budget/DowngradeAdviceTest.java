package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.policy.ModelDowngrade;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class DowngradeAdviceTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** gpt-test: 1,000 input + 500 output tokens cost 7,500 micro-dollars. */
  private static ReserveOutcome reserveGpt(String scope) {
    return Await.result(
        rig.engine.reserve(
            new ReserveRequest(
                Scope.parse(scope), Spend.estimate("gpt-test", 1_000, 500), null, rig.newKey())));
  }

  @Test
  void reserveAdvisesTheCheaperModelOnceRemainingBudgetFallsUnderTheThreshold() {
    String t = freshTenant("advice");
    rig.budget(t, Window.LIFETIME, 100_000);
    policy(t, new ModelDowngrade("gpt-test", "mini-test", 20));

    List<Optional<String>> advice =
        List.of(
            reserveGpt(t + "/p").advisedModel(), // 92.5% left
            reserveGpt(t + "/p").advisedModel()); // 85% left
    rig.charge(t + "/p", 66_000); // 19% left
    Reserved low = (Reserved) reserveGpt(t + "/p"); // 11.5% left

    assertThat(advice).containsOnly(Optional.empty());
    assertThat(low.advisedModel()).contains("mini-test");
  }

  @Test
  void aDenialCarriesTheAdviceSinceTheCheaperModelMayStillFit() {
    String t = freshTenant("advice-denied");
    rig.budget(t, Window.LIFETIME, 10_000);
    policy(t, new ModelDowngrade("gpt-test", "mini-test", 50));
    rig.charge(t + "/p", 6_000);

    Denied denied = (Denied) reserveGpt(t + "/p");

    assertThat(denied.advisedModel()).contains("mini-test");
  }

  @Test
  void noAdviceForModelsThePolicyDoesNotNameOrForFixedAmounts() {
    String t = freshTenant("no-advice");
    rig.budget(t, Window.LIFETIME, 10_000);
    policy(t, new ModelDowngrade("other-model", "mini-test", 99));

    assertThat(reserveGpt(t + "/p").advisedModel()).isEmpty();
    assertThat(rig.reserve(t + "/p", 1_000).advisedModel()).isEmpty();
  }

  @Test
  void adviceComesFromTheTightestLayerOfAnyWindow() {
    LayerStatus roomy = layer(Window.LIFETIME, 1_000, 100);
    LayerStatus tight = layer(Window.DAY, 1_000, 810);
    ModelDowngrade downgrade = new ModelDowngrade("big", "small", 20);

    assertThat(downgrade.advise(List.of(roomy))).isEmpty();
    assertThat(downgrade.advise(List.of(roomy, tight))).contains("small");
    assertThat(downgrade.advise(List.of(layer(Window.DAY, 1_000, 800)))).isEmpty();
  }

  private static LayerStatus layer(Window window, long cap, long spent) {
    return new LayerStatus(Scope.parse("t"), window, cap, spent, 0, Instant.EPOCH);
  }

  private static void policy(String tenant, ModelDowngrade downgrade) {
    Await.result(
        new TenantPolicies(rig.redis, rig.scripts)
            .put(
                tenant,
                TenantPolicy.builder().downgrades(List.of(downgrade)).build(),
                GovernorRig.ADMIN));
  }
}
