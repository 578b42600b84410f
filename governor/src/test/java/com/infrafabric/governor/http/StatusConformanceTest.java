package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.StatusConformance;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The statuses the OpenAPI document lists are the ones the governor answers. */
@Timeout(120)
class StatusConformanceTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void everyRouteDocumentsThePlatformStatusesAndAnswersThem() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      JsonObject document = new JsonObject(rig.http.get("/v1/openapi.json", rig.auditor()).body());
      new StatusConformance(document, rig.service.routes(), rig.service.port())
          .check(roles -> rig.tokens.valid("stranger", "none-of-these"), "x");
    }
  }

  @Test
  void aChargeAnswers201AndItsReplay200AsDocumented() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("replay");
      rig.budget(t, "lifetime", 1_000);
      String agent = rig.agent(t);
      Map<String, String> key = Map.of("Idempotency-Key", "replay-" + t);
      String body = new JsonObject().put("scope", t + "/p").put("amount_micros", 7).encode();

      HttpResponse<String> first = rig.http.send("POST", "/v1/charges", agent, key, body);
      HttpResponse<String> replay = rig.http.send("POST", "/v1/charges", agent, key, body);

      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(GovernorServiceRig.json(replay).getString("charge_id"))
          .isEqualTo(GovernorServiceRig.json(first).getString("charge_id"));
    }
  }
}
