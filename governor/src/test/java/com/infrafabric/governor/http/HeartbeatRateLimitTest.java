package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
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
 * Regression: heartbeats were neither shed nor rate limited, as settling routes are, and a probe's
 * agent sent 3,500 a second on one lease while another tenant's claims slowed tenfold. A heartbeat
 * is now charged to its caller's bucket, while a lease's finish still settles with the bucket
 * spent.
 */
@Timeout(60)
class HeartbeatRateLimitTest {

  private static final int BUCKET = 20;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir static Path directory;

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig =
        new GovernorServiceRig(
            REDIS.endpoint(),
            directory,
            RateLimitPolicy.uniform("governor", RateLimit.perMinute(BUCKET)));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void heartbeatsSpendTheCallersBucketWhileTheFinishStillSettles() {
    String t = GovernorRig.freshTenant("hb-limit");
    rig.budget(t, "lifetime", 1_000_000);
    String contract =
        rig.tokens.mint(
            ClaimRig.contract(t, "coder", Map.of("python", 2), 2_000, 1)
                .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
    assertThat(
            rig.post("/v1/agents", rig.admin(t), new JsonObject().put("contract", contract))
                .statusCode())
        .isEqualTo(201);
    String dispatcher = rig.tokens.mint(rig.tokens.spec("dispatcher-1", "dispatcher").withScope(t));
    HttpResponse<String> claimed =
        rig.post(
            "/v1/claims",
            dispatcher,
            new JsonObject()
                .put("task_id", "t-1")
                .put("scope", t + "/p")
                .put("required", new JsonArray().add("python:1"))
                .put("max_cost_micros", 5_000));
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
    String lease = json(claimed).getString("lease_id").replace("/", "%2F").replace("#", "%23");
    String coder = rig.tokens.mint(rig.tokens.spec("coder", "agent").withScope(t));

    for (int i = 0; i < BUCKET; i++) {
      assertThat(beat(lease, coder).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> refused = beat(lease, coder);

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(json(refused).getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    HttpResponse<String> finished =
        rig.post(
            "/v1/leases/" + lease + "/finish",
            coder,
            new JsonObject().put("outcome", "succeeded").put("amount_micros", 500));
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
  }

  private static HttpResponse<String> beat(String lease, String token) {
    return rig.call("POST", "/v1/leases/" + lease + "/heartbeat", token, new JsonObject());
  }
}
