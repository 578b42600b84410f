package com.infrafabric.governor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test hook the memory harness starts the service through keeps idempotency records for the TTL
 * it is given, below the 24-hour floor; a service started the ordinary way keeps them for its
 * settings' TTL, which cannot go below it.
 */
@Timeout(60)
class IdempotencyBelowFloorTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void theHookedServiceKeepsEachIdempotencyRecordForTheGivenTtl() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, Duration.ofSeconds(30))) {
      List<Long> ttls = idempotencyTtlsAfterACharge(rig, GovernorRig.freshTenant("hooked"));

      assertThat(ttls).singleElement().satisfies(ms -> assertThat(ms).isBetween(1L, 30_000L));
    }
  }

  @Test
  void theOrdinaryServiceKeepsThemForItsSettingsTtl() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      List<Long> ttls = idempotencyTtlsAfterACharge(rig, GovernorRig.freshTenant("ordinary"));

      assertThat(ttls)
          .singleElement()
          .satisfies(
              ms ->
                  assertThat(ms)
                      .isGreaterThan(BudgetSettings.MIN_IDEMPOTENCY_TTL.toMillis())
                      .isLessThanOrEqualTo(BudgetSettings.DEFAULTS.idempotencyTtl().toMillis()));
    }
  }

  @Test
  void aTtlUnderAMillisecondIsRefused() {
    assertThatThrownBy(
            () -> IdempotencyBelowFloor.start(null, null, null, Duration.ZERO, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idempotencyTtl PT0S is shorter than a millisecond");
  }

  /** Charges {@code tenant} once and returns the PTTL of each of its idempotency records. */
  private static List<Long> idempotencyTtlsAfterACharge(GovernorServiceRig rig, String tenant) {
    rig.budget(tenant, "lifetime", 1_000);
    String agent = rig.agent(tenant);
    assertThat(
            rig.post(
                    "/v1/charges",
                    agent,
                    new JsonObject().put("scope", tenant).put("amount_micros", 40))
                .statusCode())
        .isEqualTo(201);
    List<Long> ttls = new ArrayList<>();
    String cursor = "0";
    do {
      Response page =
          Await.result(
              rig.redis.send(
                  Request.cmd(Command.SCAN)
                      .arg(cursor)
                      .arg("MATCH")
                      .arg(TenantKeyNames.of(tenant).prefix() + "idem:*")
                      .arg("COUNT")
                      .arg(1000)));
      cursor = page.get(0).toString();
      for (Response key : page.get(1)) {
        ttls.add(
            Await.result(rig.redis.send(Request.cmd(Command.PTTL).arg(key.toString()))).toLong());
      }
    } while (!cursor.equals("0"));
    return ttls;
  }
}
