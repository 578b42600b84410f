package com.infrafabric.governor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantPolicyTest {

  @Test
  void theDefaultsAreTheIssuesNumbers() {
    TenantPolicy defaults = TenantPolicy.DEFAULTS;

    assertThat(defaults.minMatchPermille()).isEqualTo(700);
    assertThat(defaults.maxAgentsPerTask()).isEqualTo(3);
    assertThat(defaults.breakerFailures()).isEqualTo(5);
    assertThat(defaults.leaseTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.subtreeSharePermille()).isEqualTo(500);
    assertThat(defaults.downgrades()).isEmpty();
  }

  @Test
  void eachOutOfRangeValueIsNamedWithItsRange() {
    assertRefused(
        TenantPolicy.builder().minMatchPermille(1200), "minMatchPermille 1200", "1..1000");
    assertRefused(TenantPolicy.builder().minMatchPermille(0), "minMatchPermille 0", "1..1000");
    assertRefused(TenantPolicy.builder().maxAgentsPerTask(0), "maxAgentsPerTask 0", "1..100");
    assertRefused(TenantPolicy.builder().maxCostPerTaskMicros(0), "maxCostPerTaskMicros 0", "1..");
    assertRefused(TenantPolicy.builder().breakerFailures(0), "breakerFailures 0", "1..1000");
    assertRefused(
        TenantPolicy.builder().leaseTtl(Duration.ofMillis(500)), "leaseTtl of 500 ms", "1 s..24 h");
    assertRefused(
        TenantPolicy.builder().breakerCooldown(Duration.ofDays(2)),
        "breakerCooldown of 172800000 ms",
        "1 s..24 h");
    assertRefused(
        TenantPolicy.builder().reputationWeightPermille(1001), "reputationWeightPermille", "1001");
    assertRefused(
        TenantPolicy.builder().subtreeSharePermille(0), "subtreeSharePermille 0", "1..1000");
  }

  @Test
  void aModelMayHaveOneDowngradeOnly() {
    List<ModelDowngrade> twice =
        List.of(new ModelDowngrade("big", "small", 20), new ModelDowngrade("big", "tiny", 10));

    assertRefused(TenantPolicy.builder().downgrades(twice), "model big has two downgrades", "");
  }

  @Test
  void aDowngradeNeedsAnotherModelAndAPercentUnderAHundred() {
    assertThatThrownBy(() -> new ModelDowngrade("big", "big", 20))
        .hasMessage("downgrade of big must name another model");
    assertThatThrownBy(() -> new ModelDowngrade("big", "small", 100))
        .hasMessage("downgrade of big: remaining percent 100 is outside 1..99");
    assertThatThrownBy(() -> new ModelDowngrade("big", "small;1", 10))
        .hasMessageContaining("to model must be a model name");
  }

  @Test
  void storedFieldsReadBackAsTheSamePolicy() {
    TenantPolicy policy =
        TenantPolicy.builder()
            .minMatchPermille(500)
            .maxAgentsPerTask(7)
            .maxCostPerTaskMicros(1_234)
            .breakerFailures(2)
            .breakerCooldown(Duration.ofSeconds(9))
            .leaseTtl(Duration.ofSeconds(15))
            .reputationWeightPermille(250)
            .subtreeSharePermille(1000)
            .downgrades(List.of(new ModelDowngrade("big", "small", 20)))
            .build();

    assertThat(TenantPolicy.fromFields(policy.fields())).isEqualTo(policy);
    assertThat(policy.fields()).containsEntry("dg:big", "small;20");
  }

  /**
   * Regression: a policy stored before the subtree share existed has no {@code subtree_share}
   * field; it must read as the default share (as the claim scripts read it), not fail.
   */
  @Test
  void aPolicyStoredBeforeTheSubtreeShareReadsAsTheDefaultShare() {
    TenantPolicy policy = TenantPolicy.builder().maxAgentsPerTask(7).build();
    Map<String, String> stored = new HashMap<>(policy.fields());
    stored.remove("subtree_share");

    assertThat(TenantPolicy.fromFields(stored)).isEqualTo(policy);
    assertThat(TenantPolicy.fromFields(stored).subtreeSharePermille()).isEqualTo(500);
  }

  private static void assertRefused(TenantPolicy.Builder builder, String part, String range) {
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_POLICY))
        .hasMessageContaining(part)
        .hasMessageContaining(range);
  }
}
