package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.PrometheusConventions;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governor's scrape after 60 requests of several kinds (a review measured 462 KB with
 * percentile histograms) follows Prometheus conventions and stays small.
 */
@Timeout(120)
class PrometheusScrapeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void aScrapeAfterTrafficIsConventionalAndSmall() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("scrape");
      rig.budget(t, "lifetime", 1_000);
      String agent = rig.agent(t);
      for (int i = 0; i < 20; i++) {
        rig.post(
            "/v1/charges", agent, new JsonObject().put("scope", t + "/p").put("amount_micros", 1));
        rig.post(
            "/v1/reservations",
            agent,
            new JsonObject().put("scope", t + "/p").put("amount_micros", 5_000));
        rig.call("GET", "/v1/no-such-route/" + i, agent, null);
      }

      HttpResponse<String> scrape = rig.http.get("/metrics", rig.auditor());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("http_server_requests_seconds_bucket", "redis_commands_seconds_bucket");
      PrometheusConventions.assertConventional(scrape.body(), 48 * 1024);
    }
  }
}
