package com.infrafabric.governor.events;

import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budget events and the claim path's events live in separate capped streams. The review found them
 * in one stream of about 100,000 events, where a storm of refused claims (each escalates) pushed
 * budget events out before the webhooks delivered them.
 */
@Timeout(120)
class EventStreamsTest {

  /** What the scripts cap each stream at (EVENTS_MAX_LENGTH in budget_lib.lua). */
  private static final int STREAM_CAP = 100_000;

  /** Appends ARGV[1] events to KEYS[1] as the scripts do, capped alike. */
  private static final LuaScript FILL =
      LuaScript.of(
          "fill",
          "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], 'MAXLEN', '~', "
              + STREAM_CAP
              + ", '*', 'type', 'filler') end return 0");

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
  void aStormOfRefusedClaimsCannotTrimAnUndeliveredBudgetEvent() {
    String t = freshTenant("storm");
    rig.governor.budget(t, Window.LIFETIME, 100);
    rig.governor.charge(t, 100);
    List<TenantEvent> budget = page(t, EventStream.BUDGET);
    assertThat(budget).extracting(TenantEvent::type).containsExactly("budget.cap_reached");
    for (int i = 0; i < 50; i++) {
      Await.result(
          rig.governor.redis.eval(
              FILL,
              List.of(EventStream.CLAIMS.key(t)),
              List.of(Integer.toString(STREAM_CAP / 50))));
    }
    String oldestClaimEvent = first(EventStream.CLAIMS.key(t)).id();

    for (int i = 0; i < 300; i++) {
      assertThat(rig.claim(task("storm-" + i, t + "/p", Map.of("cobol", 9), 10)))
          .isInstanceOfSatisfying(NotClaimed.class, n -> assertThat(n.escalated()).isTrue());
    }

    assertThat(page(t, EventStream.BUDGET)).isEqualTo(budget);
    assertThat(first(EventStream.CLAIMS.key(t)).id())
        .as("the storm trimmed its own stream")
        .isNotEqualTo(oldestClaimEvent);
    assertThat(length(EventStream.CLAIMS.key(t))).isLessThan(STREAM_CAP + 300);
    assertThat(rig.events(t).get(rig.events(t).size() - 1)).containsEntry("task", "storm-299");
  }

  @Test
  void eachKindOfEventGoesToItsOwnStream() {
    String t = freshTenant("kinds");
    rig.governor.budget(t, Window.DAY, 100, 50);
    rig.governor.charge(t, 60);
    rig.claim(task("nobody", t + "/p", Map.of("cobol", 9), 10));

    assertThat(page(t, EventStream.BUDGET))
        .extracting(TenantEvent::type)
        .containsExactly("budget.threshold_crossed");
    assertThat(page(t, EventStream.CLAIMS))
        .extracting(TenantEvent::type)
        .containsExactly("claim.escalated");
    assertThat(page(t, EventStream.CLAIMS).get(0).deliveryId()).startsWith("claims:");
  }

  private static List<TenantEvent> page(String tenant, EventStream stream) {
    return Await.result(new EventLog(rig.governor.redis).page(tenant, stream, null, 1000));
  }

  private static TenantEvent first(String key) {
    Response entries =
        Await.result(
            rig.governor.redis.send(
                Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+").arg("COUNT").arg(1)));
    return EventLog.events("t", EventStream.CLAIMS, entries).get(0);
  }

  private static long length(String key) {
    return Await.result(rig.governor.redis.send(Request.cmd(Command.XLEN).arg(key))).toLong();
  }
}
