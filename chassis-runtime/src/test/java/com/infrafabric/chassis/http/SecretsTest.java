package com.infrafabric.chassis.http;

import static com.infrafabric.platform.testing.SecretAssertions.assertNotInRedis;
import static com.infrafabric.platform.testing.SecretAssertions.assertNotLeaked;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary secrets (bearer and grant tokens, the Redis password, a stored credential) never reach
 * logs, responses or metrics, and a credential is never in Redis in the clear.
 */
@Timeout(120)
class SecretsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void tokensAndTheRedisPasswordNeverAppearInLogsResponsesOrMetrics() {
    String redisPassword = REDIS.endpoint().password();
    try (LogCapture logs = LogCapture.start();
        ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      byte[] echo = Guests.wat(Guests.ECHO);
      String publisher = rig.publisher();
      String agent = rig.agent("acme", "echo");
      String forged = rig.tokens.forged("mallory");
      String grantee = rig.grantee("echo");
      String grant = rig.grants.sign(rig.grants.forTool(ModuleDigest.of(echo), Set.of()));
      String[] parts = grant.split("\\.");
      String forgedGrant = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

      List<HttpResponse<String>> responses = new ArrayList<>();
      responses.add(rig.register(echo, Contracts.forModule("echo", echo)));
      responses.add(rig.invoke(agent, "echo", "1.0.0", "hello"));
      responses.add(rig.invokeUnder(grant, grantee, "echo", "1.0.0", "granted"));
      responses.add(rig.invokeUnder(grant, agent, "echo", "1.0.0", "someone else's grant"));
      responses.add(rig.invokeUnder(forgedGrant, grantee, "echo", "1.0.0", "forged grant"));
      responses.add(rig.invoke(agent, "other", "1.0.0", "not granted"));
      responses.add(rig.invoke(forged, "echo", "1.0.0", "forged"));
      responses.add(
          rig.http.send(
              "POST", "/v1/tools/echo/1.0.0/invocations", agent, Map.of(), "{\"input\":"));
      REDIS.killHard();
      try {
        responses.add(rig.invoke(agent, "echo", "1.0.0", "down"));
        responses.add(rig.http.get("/health/ready", publisher));
      } finally {
        REDIS.restart();
      }
      responses.add(rig.http.get("/metrics", rig.operator()));

      assertThat(logs.text()).contains("invocation finished").contains("POST");
      assertThat(responses.get(2).statusCode()).as(responses.get(2).body()).isEqualTo(200);
      assertThat(responses.get(4).statusCode()).isEqualTo(403);
      assertNotLeaked(
          responses, logs, agent, publisher, forged, grantee, grant, forgedGrant, redisPassword);
    }
  }

  @Test
  void aStoredSecretNeverAppearsInAnswersLogsOrRedis() {
    String secret = "sk-canary-91e4c7d05b";
    JsonObject credential =
        new JsonObject()
            .put("secret", secret)
            .put("allow", new JsonArray().add("https://api.search.test:443"))
            .put("header", "authorization");
    try (LogCapture logs = LogCapture.start();
        ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      String operator = rig.operator();
      List<HttpResponse<String>> responses = new ArrayList<>();
      responses.add(put(rig, "search-key", credential));
      responses.add(
          rig.http.send(
              "PUT",
              "/v1/tenants/acme/credentials/search-key",
              operator,
              Map.of(),
              credential.copy().put("response", "status-only").encode()));
      responses.add(rig.http.get("/v1/credentials", operator));
      responses.add(rig.http.get("/v1/tenants/acme/credentials", operator));
      responses.add(rig.http.send("POST", "/v1/credentials/reseal", operator, Map.of()));
      responses.add(put(rig, "Search.Key", credential));
      responses.add(put(rig, "spaced", credential.copy().put("secret", secret + " x")));
      responses.add(put(rig, "no-json", credential.copy().put("header", 7)));
      responses.add(
          rig.http.send(
              "PUT",
              "/v1/credentials/broken",
              operator,
              Map.of(),
              "{\"secret\":\"" + secret + "\",\"secret\":\"" + secret + "\"}"));
      responses.add(
          rig.http.send(
              "PUT",
              "/v1/tenants/acme/credentials/cut",
              operator,
              Map.of(),
              "{\"secret\":\"" + secret + "\",\"allow\":[\"" + secret));
      responses.add(
          rig.http.send(
              "PUT",
              "/v1/tenants/acme/credentials/typed",
              operator,
              Map.of(),
              credential.copy().put("response", secret).encode()));
      responses.add(rig.http.get("/metrics", operator));

      assertThat(responses.get(0).statusCode()).isEqualTo(200);
      assertThat(responses.get(1).statusCode()).isEqualTo(200);
      assertThat(responses.subList(5, 11)).allMatch(response -> response.statusCode() == 400);
      assertNotLeaked(responses, logs, secret, "91e4c7d05b", operator);
      assertNotInRedis(REDIS.endpoint(), secret, "91e4c7d05b");
    }
  }

  private static HttpResponse<String> put(ChassisServiceRig rig, String name, JsonObject body) {
    return rig.http.send("PUT", "/v1/credentials/" + name, rig.operator(), Map.of(), body.encode());
  }
}
