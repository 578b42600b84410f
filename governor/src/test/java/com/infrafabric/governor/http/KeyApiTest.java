package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.SecretAssertions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Virtual keys over REST: the lifecycle an admin drives, and where the secret may never go. */
@Timeout(120)
class KeyApiTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private static JsonObject spec(String scope) {
    return new JsonObject()
        .put("scope", scope)
        .put("allowed_models", new JsonArray().add("gpt-test").add("mini-test"))
        .put("requests_per_minute", 60)
        .put("tokens_per_minute", 100_000)
        .put("metadata", new JsonObject().put("team", "search"))
        .put("expires_at", "2027-01-01T00:00:00Z");
  }

  @Test
  void anAdminCreatesListsRotatesAndRevokesAKeyAndItsSecretGoesNowhereElse() {
    try (LogCapture logs = LogCapture.start();
        GovernorServiceRig rig =
            new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("keys");
      String admin = rig.admin(t);
      List<HttpResponse<String>> responses = new ArrayList<>();

      HttpResponse<String> created =
          rig.call("POST", "/v1/keys", admin, spec(t + "/search"), Map.of("Idempotency-Key", "c1"));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonObject key = json(created);
      String secret = key.getString("secret");
      String id = key.getString("id");
      assertThat(secret).startsWith("ifk_" + t + "." + id + ".");
      assertThat(key.getJsonArray("allowed_models")).containsExactly("gpt-test", "mini-test");
      assertThat(key.getString("expires_at")).isEqualTo("2027-01-01T00:00:00Z");
      assertThat(Await.result(rig.service.keys().authenticate(secret))).isPresent();

      HttpResponse<String> replay =
          rig.call("POST", "/v1/keys", admin, spec(t + "/search"), Map.of("Idempotency-Key", "c1"));
      assertThat(replay.statusCode()).isEqualTo(200);
      assertThat(json(replay).getString("id")).isEqualTo(id);
      assertSecretNotShownAgain(replay);
      responses.add(replay);

      String path = "/v1/keys/" + t + "/" + id;
      HttpResponse<String> read = rig.call("GET", path, rig.auditor(t), null);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(json(read).getJsonObject("metadata").getString("team")).isEqualTo("search");
      responses.add(read);
      HttpResponse<String> listed = rig.call("GET", "/v1/keys", admin, null);
      assertThat(json(listed).getJsonArray("keys")).hasSize(1);
      responses.add(listed);

      HttpResponse<String> shortened =
          rig.post(
              path + "/expire", admin, new JsonObject().put("expires_at", "2026-12-01T00:00:00Z"));
      assertThat(shortened.statusCode()).as(shortened.body()).isEqualTo(200);
      assertThat(json(shortened).getString("expires_at")).isEqualTo("2026-12-01T00:00:00Z");
      assertThat(Await.result(rig.service.keys().authenticate(secret))).isPresent();

      HttpResponse<String> precise =
          rig.post(
              path + "/expire",
              admin,
              new JsonObject().put("expires_at", "2026-12-01T00:00:00.123456789Z"));
      assertThat(json(precise).getString("expires_at"))
          .as("the answer states the expiry as stored, to the millisecond")
          .isEqualTo("2026-12-01T00:00:00.123Z")
          .isEqualTo(json(rig.call("GET", path, admin, null)).getString("expires_at"));
      HttpResponse<String> nullExpiry =
          rig.post(path + "/expire", admin, new JsonObject().putNull("expires_at"));
      assertThat(nullExpiry.statusCode()).as(nullExpiry.body()).isEqualTo(400);
      assertThat(Await.result(rig.service.keys().authenticate(secret))).isPresent();

      HttpResponse<String> rotated = rig.post(path + "/rotate", admin, new JsonObject());
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      String fresh = json(rotated).getString("secret");
      assertThat(Await.result(rig.service.keys().authenticate(secret))).isEmpty();
      assertThat(Await.result(rig.service.keys().authenticate(fresh))).isPresent();

      HttpResponse<String> ended = rig.post(path + "/expire", admin, new JsonObject());
      assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
      assertThat(Await.result(rig.service.keys().authenticate(fresh))).isEmpty();
      assertThat(rig.call("GET", path, admin, null).statusCode()).isEqualTo(200);
      // An expired key (one expired because it leaked, say) stays expired: neither a later expiry
      // nor a new secret brings it back.
      for (HttpResponse<String> revival :
          List.of(
              rig.post(
                  path + "/expire",
                  admin,
                  new JsonObject().put("expires_at", "2030-01-01T00:00:00Z")),
              rig.post(path + "/rotate", admin, new JsonObject()))) {
        assertThat(revival.statusCode()).as(revival.body()).isEqualTo(409);
        assertThat(json(revival).getString("code")).isEqualTo("KEY_EXPIRED");
        responses.add(revival);
      }
      assertThat(Await.result(rig.service.keys().authenticate(fresh))).isEmpty();

      HttpResponse<String> revoked = rig.call("DELETE", path, admin, null);
      assertThat(revoked.statusCode()).isEqualTo(204);
      responses.add(revoked);
      HttpResponse<String> gone = rig.call("GET", path, admin, null);
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(json(gone).getString("code")).isEqualTo("KEY_NOT_FOUND");
      responses.add(gone);

      responses.add(rig.call("GET", "/v1/ledger/" + t, admin, null));
      responses.add(rig.http.get("/metrics", rig.auditor()));
      assertThat(responses.get(responses.size() - 2).body()).contains("\"vkey\"");
      SecretAssertions.assertNotLeaked(responses, logs, secret, fresh);
      SecretAssertions.assertNotInRedis(REDIS.endpoint(), secret, fresh);
    }
  }

  @Test
  void twoGovernorNodesOnOneRedisShareRevocationWithinTheKeyCacheTtlAndPerKeyLimits()
      throws Exception {
    try (GovernorServiceRig nodeA =
            new GovernorServiceRig(
                REDIS.endpoint(),
                Files.createDirectory(directory.resolve("a")),
                WebhookSettings.NONE);
        GovernorServiceRig nodeB =
            new GovernorServiceRig(
                REDIS.endpoint(),
                Files.createDirectory(directory.resolve("b")),
                WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("keys-nodes");
      JsonObject created = json(created(nodeA, t, spec(t).put("requests_per_minute", 2)));
      String secret = created.getString("secret");
      VirtualKey onB = Await.result(nodeB.service.keys().authenticate(secret)).orElseThrow();

      assertThat(Await.result(nodeA.service.keys().admit(onB, 10)).allowed()).isTrue();
      assertThat(Await.result(nodeB.service.keys().admit(onB, 10)).allowed()).isTrue();
      assertThat(Await.result(nodeA.service.keys().admit(onB, 10)).limitName()).isEqualTo("rpm");

      HttpResponse<String> revoked =
          nodeA.call("DELETE", "/v1/keys/" + t + "/" + onB.id(), nodeA.admin(t), null);
      assertThat(revoked.statusCode()).isEqualTo(204);
      assertThat(Await.result(nodeA.service.keys().authenticate(secret)))
          .as("on the node that revoked it")
          .isEmpty();
      Duration ttl = GatewaySettings.NONE.keyCacheTtl();
      nodeB.clock.advance(ttl.minusMillis(1));
      assertThat(Await.result(nodeB.service.keys().authenticate(secret)))
          .as("on the other node, within the key cache's ttl")
          .isPresent();
      nodeB.clock.advance(Duration.ofMillis(1));
      assertThat(Await.result(nodeB.service.keys().authenticate(secret)))
          .as("on the other node, once the ttl has passed")
          .isEmpty();
    }
  }

  private static HttpResponse<String> created(
      GovernorServiceRig node, String tenant, JsonObject spec) {
    HttpResponse<String> created = node.post("/v1/keys", node.admin(tenant), spec);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created;
  }

  @Test
  void badKeySpecsAre400NamingTheFieldAndStoreNothing() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("keys-bad");
      String admin = rig.admin(t);
      Map<String, JsonObject> bad =
          Map.of(
              "allowed_models", spec(t).put("allowed_models", new JsonArray()),
              "allowed_models[0]", spec(t).put("allowed_models", new JsonArray().add(7)),
              "allowed_models[1]",
                  spec(t).put("allowed_models", new JsonArray().add("gpt-test").add("gpt-tset")),
              "requests_per_minute", spec(t).put("requests_per_minute", 0),
              "tokens_per_minute", spec(t).put("tokens_per_minute", "lots"),
              "metadata", spec(t).put("metadata", new JsonObject().put("Bad Name", "x")),
              "expires_at", spec(t).put("expires_at", "tomorrow"),
              "secret", spec(t).put("secret", "ifk_mine"));
      bad.forEach(
          (field, body) -> {
            HttpResponse<String> refused = rig.post("/v1/keys", admin, body);
            assertThat(refused.statusCode()).as(field + " " + refused.body()).isEqualTo(400);
            assertThat(json(refused).getJsonObject("details").getString("field"))
                .as(refused.body())
                .isEqualTo(field);
          });
      for (String extreme :
          List.of(
              "+999999999-12-31T23:59:59Z",
              "+292278995-01-01T00:00:00Z",
              "-999999999-01-01T00:00:00Z",
              "10000-01-01T00:00:00Z")) {
        HttpResponse<String> refused =
            rig.post("/v1/keys", admin, spec(t).put("expires_at", extreme));
        assertThat(refused.statusCode()).as(extreme + " " + refused.body()).isEqualTo(400);
      }
      HttpResponse<String> past =
          rig.post("/v1/keys", admin, spec(t).put("expires_at", "2020-01-01T00:00:00Z"));
      assertThat(past.statusCode()).as(past.body()).isEqualTo(400);
      assertThat(json(rig.call("GET", "/v1/keys", admin, null)).getJsonArray("keys")).isEmpty();
    }
  }

  /**
   * Regression: a replayed create or rotate answered 200 with no {@code secret} and nothing saying
   * why, so a client that lost the first answer took it for a key without a secret. Only the
   * secret's SHA-256 is kept, so the replay cannot show it: it says so in stable fields, and what
   * to do, for create and rotate alike.
   */
  @Test
  void aReplayedCreateOrRotateSaysTheSecretWasShownOnceAndWhatToDo() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("keys-replay");
      String admin = rig.admin(t);
      Map<String, String> createKey = Map.of("Idempotency-Key", "create-1");
      HttpResponse<String> created = rig.call("POST", "/v1/keys", admin, spec(t), createKey);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(json(created).getBoolean("secret_shown")).isTrue();
      assertThat(json(created).containsKey("secret_notice")).isFalse();
      String rotate = "/v1/keys/" + t + "/" + json(created).getString("id") + "/rotate";
      Map<String, String> rotateKey = Map.of("Idempotency-Key", "rotate-1");
      HttpResponse<String> rotated = rig.call("POST", rotate, admin, null, rotateKey);
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      assertThat(json(rotated).getString("secret")).startsWith("ifk_");
      assertThat(json(rotated).getBoolean("secret_shown")).isTrue();

      assertSecretNotShownAgain(rig.call("POST", "/v1/keys", admin, spec(t), createKey));
      assertSecretNotShownAgain(rig.call("POST", rotate, admin, null, rotateKey));
    }
  }

  private static void assertSecretNotShownAgain(HttpResponse<String> replay) {
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    JsonObject body = json(replay);
    assertThat(body.containsKey("secret")).isTrue();
    assertThat(body.getString("secret")).isNull();
    assertThat(body.getBoolean("secret_shown")).isFalse();
    assertThat(body.getString("secret_notice"))
        .contains("shown only once")
        .contains("rotate the key")
        .contains("revoke it and create another");
  }
}
