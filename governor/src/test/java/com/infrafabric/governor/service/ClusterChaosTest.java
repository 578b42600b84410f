package com.infrafabric.governor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.FailoverUnderLoad;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisClusterExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reserve + commit and claim + finish keep coming for many tenants while one cluster master is
 * killed ({@link FailoverUnderLoad}: the other masters' tenants do not notice, the killed master's
 * fail closed and recover within the promotion + 2 s); afterwards no cap is overspent and every
 * tenant's counters equal its ledger.
 */
@Timeout(240)
class ClusterChaosTest {

  @RegisterExtension static final RedisClusterExtension CLUSTER = RedisClusterExtension.create();

  private static final int TENANTS = 24;
  private static final int WORKERS = 6;
  private static final long CAP = 1_000_000_000L;

  @TempDir Path keys;

  @Test
  void otherShardsTenantsDoNotNoticeAMasterKilledUnderLoad() throws Exception {
    try (ClaimRig rig =
        new ClaimRig(CLUSTER.endpoint(), MutableClock.at("2026-12-05T10:00:00Z"), keys)) {
      List<String> tenants =
          IntStream.range(0, TENANTS).mapToObj(i -> GovernorRig.freshTenant("chaos" + i)).toList();
      for (String t : tenants) {
        rig.governor.budget(t, Window.LIFETIME, CAP);
        rig.register(ClaimRig.contract(t, "agent", Map.of("c", 1), 100, 64));
      }
      AtomicLong tasks = new AtomicLong();

      FailoverUnderLoad.Cost cost =
          FailoverUnderLoad.run(
              CLUSTER,
              tenants,
              t -> "gov:{" + t + "}:x",
              WORKERS,
              t -> {
                Reserved reserved = (Reserved) rig.governor.reserve(t + "/p", 1_000);
                rig.governor.commit(reserved.id(), 900);
                Claimed claimed =
                    rig.claimed(
                        ClaimRig.task(
                            "task-" + tasks.incrementAndGet(), t + "/p", Map.of("c", 1), 5_000));
                rig.finish(claimed, TaskOutcome.SUCCEEDED, 100);
              },
              () -> {});

      System.out.println(
          "governor on a cluster losing a master (reserve+commit+claim+finish): " + cost);
      for (String t : tenants) {
        assertThat(rig.governor.usage(t, Window.LIFETIME).spentMicros()).isLessThanOrEqualTo(CAP);
        assertThat(rig.governor.reconcile(t).consistent()).as(t).isTrue();
      }
    }
  }
}
