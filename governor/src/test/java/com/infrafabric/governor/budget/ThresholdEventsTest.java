package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ThresholdEventsTest {

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

  private static List<String> events(String tenant) {
    Response reply =
        Await.result(
            rig.redis.send(
                Request.cmd(Command.XRANGE).arg("gov:{" + tenant + "}:events").arg("-").arg("+")));
    List<String> events = new ArrayList<>();
    for (Response entry : reply) {
      Response fields = entry.get(1);
      String type = "", pct = "", scope = "";
      for (int i = 0; i < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "type" -> type = fields.get(i + 1).toString();
          case "threshold_pct" -> pct = fields.get(i + 1).toString();
          case "scope" -> scope = fields.get(i + 1).toString();
          default -> {}
        }
      }
      events.add(type + " " + scope + " " + pct);
    }
    return events;
  }

  @Test
  void eachThresholdFiresOnceWhenSpendCrossesIt() {
    String t = freshTenant("thresholds");
    rig.budget(t, Window.LIFETIME, 1_000, 50, 80);

    rig.charge(t + "/p", 400);
    assertThat(events(t)).isEmpty();
    rig.charge(t + "/p", 450);
    rig.charge(t + "/p", 10);
    rig.charge(t + "/p", 200);
    rig.charge(t + "/p", 200);

    assertThat(events(t))
        .containsExactly(
            "budget.threshold_crossed " + t + " 50",
            "budget.threshold_crossed " + t + " 80",
            "budget.cap_reached " + t + " 100");
  }

  @Test
  void aCapWithoutThresholdsFiresOnlyWhenSpendReachesIt() {
    String t = freshTenant("cap-only");
    rig.budget(t, Window.LIFETIME, 1_000);

    rig.charge(t + "/p", 999);
    assertThat(events(t)).isEmpty();
    rig.charge(t + "/p", 0);
    rig.charge(t + "/p", 1);
    rig.charge(t + "/p", 500);

    assertThat(events(t)).containsExactly("budget.cap_reached " + t + " 100");
  }

  @Test
  void concurrentChargesFireEachThresholdExactlyOnce() throws InterruptedException {
    String t = freshTenant("threshold-race");
    rig.budget(t, Window.DAY, 10_000, 25, 50, 75, 90);

    Concurrently.run(
        32,
        Duration.ofSeconds(30),
        i ->
            () -> {
              for (int n = 0; n < 20; n++) {
                rig.charge(t + "/p/a" + i, 17);
              }
              return null;
            });

    assertThat(events(t))
        .containsExactlyInAnyOrder(
            "budget.threshold_crossed " + t + " 25",
            "budget.threshold_crossed " + t + " 50",
            "budget.threshold_crossed " + t + " 75",
            "budget.threshold_crossed " + t + " 90",
            "budget.cap_reached " + t + " 100");
  }

  @Test
  void aNewDayWindowCanFireItsThresholdsAgain() {
    String t = freshTenant("threshold-day");
    rig.budget(t, Window.DAY, 100, 50);
    rig.charge(t + "/p", 60);
    rig.clock.advance(Duration.ofDays(1));
    rig.charge(t + "/p", 60);

    assertThat(events(t))
        .containsExactly(
            "budget.threshold_crossed " + t + " 50", "budget.threshold_crossed " + t + " 50");
  }
}
