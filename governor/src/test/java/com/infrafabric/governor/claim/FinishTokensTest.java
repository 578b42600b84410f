package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.TokenTotals;
import com.infrafabric.governor.budget.UsageStatus;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finish reads and writes the scope's token counters only when it reports tokens: one reporting
 * an amount alone must leave the tokens recorded before it exactly as they were, in every window.
 */
@Timeout(60)
class FinishTokensTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aFinishWithoutTokensKeepsTheTokensRecordedBeforeAndOneWithTokensAddsThem() {
    String t = freshTenant("finish-tokens");
    String scope = t + "/proj";
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.governor.budget(t, Window.DAY, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 1));

    finish(scope, "t1", new Spend.Fixed(2_000, new TokenUsage(10, 2, 5)));
    finish(scope, "t2", Spend.amount(1_000));

    for (Window window : Window.values()) {
      UsageStatus usage = rig.governor.usage(scope, window);
      assertThat(usage.spentMicros()).as(window.name()).isEqualTo(3_000);
      assertThat(usage.reservedMicros()).as(window.name()).isZero();
      assertThat(usage.tokens()).as(window.name()).isEqualTo(new TokenTotals(10, 2, 5));
    }

    finish(scope, "t3", new Spend.Fixed(500, new TokenUsage(1, 0, 7)));

    assertThat(rig.governor.usage(scope, Window.DAY).tokens())
        .isEqualTo(new TokenTotals(11, 2, 12));
    assertThat(rig.governor.usage(t, Window.LIFETIME).tokens())
        .isEqualTo(new TokenTotals(11, 2, 12));
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  private static void finish(String scope, String taskId, Spend spend) {
    Claimed claim = rig.claimed(task(taskId, scope, Map.of("python", 1), 10_000));
    Await.result(
        rig.claims.finish(
            new FinishRequest(
                claim.lease(),
                claim.agentId(),
                TaskOutcome.SUCCEEDED,
                spend,
                Duration.ofSeconds(1),
                GovernorRig.newKey())));
  }
}
