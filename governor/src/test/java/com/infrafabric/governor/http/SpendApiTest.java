package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Spend reports over REST: JSON and CSV, confined to the caller's subtree, bounded. */
@Timeout(120)
class SpendApiTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void spendIsReportedAsJsonAndCsvWithinTheCallersSubtreeOnly() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, Instant.now())) {
      String t = GovernorRig.freshTenant("spend-api");
      rig.budget(t, "lifetime", 1_000_000);
      rig.post(
          "/v1/charges",
          rig.agent(t + "/a"),
          new JsonObject().put("scope", t + "/a").put("amount_micros", 40));
      rig.post(
          "/v1/charges",
          rig.agent(t + "/b"),
          new JsonObject().put("scope", t + "/b").put("amount_micros", 2));
      Instant now = rig.clock.instant();
      String range =
          "&from=" + now.minus(Duration.ofHours(1)) + "&to=" + now.plus(Duration.ofHours(1));

      HttpResponse<String> json =
          rig.call("GET", "/v1/spend?group_by=scope,model" + range, rig.auditor(t), null);
      assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
      JsonArray rows = json(json).getJsonArray("rows");
      assertThat(rows).hasSize(2);
      assertThat(rows.getJsonObject(0).getJsonObject("group").getString("scope"))
          .isEqualTo(t + "/a");
      assertThat(rows.getJsonObject(0).getJsonObject("group").getValue("model")).isNull();
      assertThat(rows.getJsonObject(0).getLong("spent_micros")).isEqualTo(40);

      HttpResponse<String> csv =
          rig.call("GET", "/v1/spend?format=csv&group_by=scope" + range, rig.admin(t + "/b"), null);
      assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
      assertThat(csv.body())
          .isEqualTo(
              "scope,spent_micros,calls,input_tokens,cached_input_tokens,output_tokens\r\n"
                  + t
                  + "/b,2,1,0,0,0\r\n");

      HttpResponse<String> outside =
          rig.call("GET", "/v1/spend?scope=" + t + "%2Fa" + range, rig.admin(t + "/b"), null);
      assertThat(outside.statusCode()).isEqualTo(403);
      HttpResponse<String> tooLong =
          rig.call(
              "GET",
              "/v1/spend?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z",
              rig.admin(t),
              null);
      assertThat(tooLong.statusCode()).isEqualTo(422);
      assertThat(json(tooLong).getString("code")).isEqualTo("REPORT_TOO_LARGE");
      HttpResponse<String> badGroup =
          rig.call("GET", "/v1/spend?group_by=colour" + range, rig.admin(t), null);
      assertThat(badGroup.statusCode()).isEqualTo(400);
      assertThat(json(badGroup).getJsonObject("details").getString("field")).isEqualTo("group_by");
    }
  }
}
