package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An operator stores, lists, replaces, reseals and deletes tenants' credentials and its own over
 * REST; answers describe them without the secret, each owner sees only its own, and invalid input
 * is refused naming the field without repeating it.
 */
@Timeout(120)
class CredentialRoutesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final String SECRET = "sk-routes-4d7a90c2e1";

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of());
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static JsonObject body(String secret, String origin) {
    return new JsonObject()
        .put("secret", secret)
        .put("allow", new JsonArray().add(origin))
        .put("header", "Authorization")
        .put("scheme", "Bearer");
  }

  private static final String ACME = "/v1/tenants/acme/credentials";

  private static HttpResponse<String> put(String name, JsonObject body) {
    return put(ACME, name, body);
  }

  private static HttpResponse<String> put(String base, String name, JsonObject body) {
    return rig.http.send("PUT", base + "/" + name, rig.operator(), Map.of(), body.encode());
  }

  private static JsonObject credentials() {
    return credentials(ACME);
  }

  private static JsonObject credentials(String base) {
    return json(rig.http.get(base, rig.operator()));
  }

  @Test
  void anOperatorStoresListsReplacesResealsAndDeletesACredential() {
    HttpResponse<String> stored = put("search-key", body(SECRET, "https://api.search.test:443"));

    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    JsonObject info = json(stored);
    assertThat(info.fieldNames())
        .containsExactlyInAnyOrder(
            "tenant", "name", "allow", "header", "scheme", "response", "key_id", "updated_at");
    assertThat(info.getString("tenant")).isEqualTo("acme");
    assertThat(info.getString("response")).isEqualTo("full");
    assertThat(info.getString("name")).isEqualTo("search-key");
    assertThat(info.getJsonArray("allow")).containsExactly("https://api.search.test:443");
    assertThat(info.getString("header")).isEqualTo("authorization");
    assertThat(info.getString("scheme")).isEqualTo("Bearer");
    assertThat(info.getString("key_id")).isEqualTo("rig-1");
    assertThat(Instant.parse(info.getString("updated_at"))).isBeforeOrEqualTo(Instant.now());
    assertThat(credentials().getJsonArray("credentials")).contains(info);

    JsonObject replaced = json(put("search-key", body(SECRET + "-2", "https://*.search.test:443")));
    assertThat(replaced.getJsonArray("allow")).containsExactly("https://*.search.test:443");
    assertThat(credentials().getJsonArray("credentials")).contains(replaced).doesNotContain(info);

    HttpResponse<String> resealed =
        rig.http.send("POST", "/v1/credentials/reseal", rig.operator(), Map.of());
    assertThat(resealed.statusCode()).isEqualTo(200);
    assertThat(json(resealed).getJsonArray("unreadable")).isEmpty();
    assertThat(json(resealed).getInteger("resealed")).isZero();
    assertThat(json(resealed).getInteger("current")).isPositive();

    assertThat(delete("search-key").statusCode()).isEqualTo(204);
    JsonObject gone = assertError(delete("search-key"), 404, "CREDENTIAL_NOT_FOUND", "search-key");
    assertThat(gone.getJsonObject("details").getString("credential")).isEqualTo("search-key");
    assertThat(credentials().getJsonArray("credentials")).doesNotContain(replaced);
  }

  @Test
  void eachOwnerHasItsOwnCredentialsUnderOneName() {
    assertThat(put("shared", body(SECRET, "https://a.test:443")).statusCode()).isEqualTo(200);
    JsonObject globex =
        json(
            put(
                "/v1/tenants/globex/credentials",
                "shared",
                body(SECRET, "https://b.test:443")
                    .put("response", "status-only")
                    .put("max_requests", 2)));
    JsonObject operators =
        json(put("/v1/credentials", "shared", body(SECRET, "https://c.test:443")));

    assertThat(globex.getString("response")).isEqualTo("status-only");
    assertThat(globex.getInteger("max_requests")).isEqualTo(2);
    assertThat(operators.getValue("tenant")).isNull();
    assertThat(operators.getString("response")).isEqualTo("full");
    assertThat(credentials("/v1/tenants/globex/credentials").getJsonArray("credentials"))
        .containsExactly(globex);
    assertThat(credentials("/v1/credentials").getJsonArray("credentials"))
        .contains(operators)
        .doesNotContain(globex);
    assertThat(credentials().getJsonArray("credentials"))
        .extracting(c -> ((JsonObject) c).getJsonArray("allow").getString(0))
        .contains("https://a.test:443")
        .doesNotContain("https://b.test:443", "https://c.test:443");

    assertThat(delete("/v1/tenants/globex/credentials", "shared").statusCode()).isEqualTo(204);
    assertThat(credentials().getJsonArray("credentials")).isNotEmpty();
    assertError(
        delete("/v1/tenants/globex/credentials", "shared"),
        404,
        "CREDENTIAL_NOT_FOUND",
        "of tenant globex");
    assertThat(delete("shared").statusCode()).isEqualTo(204);
    assertThat(
            rig.http
                .send("DELETE", "/v1/credentials/shared", rig.operator(), Map.of())
                .statusCode())
        .isEqualTo(204);
  }

  @Test
  void anOperatorCredentialTakesNoResponsePolicyAndATenantMustBeAScopeSegment() {
    assertError(
        put("/v1/credentials", "k1", body(SECRET, "https://a.test:443").put("response", "full")),
        400,
        "INVALID_REQUEST",
        "response");
    for (String tenant : java.util.List.of("a.b", "-acme", "%7Bacme%7D")) {
      assertError(
          put("/v1/tenants/" + tenant + "/credentials", "k1", body(SECRET, "https://a.test:443")),
          400,
          "INVALID_CREDENTIAL",
          "tenant");
    }
  }

  private static HttpResponse<String> delete(String name) {
    return delete(ACME, name);
  }

  private static HttpResponse<String> delete(String base, String name) {
    return rig.http.send("DELETE", base + "/" + name, rig.operator(), Map.of());
  }

  /** name, body, code, the field named. */
  static Stream<Arguments> invalid() {
    String origin = "https://api.search.test:443";
    return Stream.of(
        Arguments.of("Bad.Name", body(SECRET, origin), "INVALID_CREDENTIAL", "name"),
        Arguments.of("short", body("sk-4d7a", origin), "INVALID_CREDENTIAL", "secret"),
        Arguments.of(
            "spaced", body("sk-routes 4d7a90c2e1", origin), "INVALID_CREDENTIAL", "secret"),
        Arguments.of(
            "nowhere",
            body(SECRET, origin).put("allow", new JsonArray()),
            "INVALID_CREDENTIAL",
            "allow"),
        Arguments.of(
            "ftp", body(SECRET, "ftp://files.search.test:21"), "INVALID_CREDENTIAL", "allow[0]"),
        Arguments.of(
            "host", body(SECRET, origin).put("header", "Host"), "INVALID_CREDENTIAL", "header"),
        Arguments.of("typed", body(SECRET, origin).put("secret", 42), "INVALID_REQUEST", "secret"),
        Arguments.of(
            "missing", body(SECRET, origin).putNull("secret"), "INVALID_REQUEST", "secret"),
        Arguments.of(
            "numbers",
            body(SECRET, origin).put("allow", new JsonArray().add(origin).add(7)),
            "INVALID_REQUEST",
            "allow[1]"),
        Arguments.of(
            "extra", body(SECRET, origin).put("value", SECRET), "INVALID_REQUEST", "value"),
        Arguments.of(
            "policy",
            body(SECRET, origin).put("response", "echo"),
            "INVALID_CREDENTIAL",
            "response"),
        Arguments.of(
            "unlimited",
            body(SECRET, origin).put("response", "status-only").put("max_requests", 65),
            "INVALID_CREDENTIAL",
            "max_requests"),
        Arguments.of(
            "none",
            body(SECRET, origin).put("response", "status-only").put("max_requests", 0),
            "INVALID_CREDENTIAL",
            "max_requests"),
        Arguments.of(
            "full-limit",
            body(SECRET, origin).put("max_requests", 3),
            "INVALID_CREDENTIAL",
            "max_requests"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("invalid")
  void invalidInputIsRefusedNamingTheFieldWithoutRepeatingTheSecret(
      String name, JsonObject body, String code, String field) {
    HttpResponse<String> refused = put(name, body);

    JsonObject error = assertError(refused, 400, code, field);
    assertThat(error.getJsonObject("details").getString("field")).isEqualTo(field);
    assertThat(refused.body()).doesNotContain("4d7a");
    assertThat(credentials().getJsonArray("credentials"))
        .extracting(c -> ((JsonObject) c).getString("name"))
        .doesNotContain(name);
  }

  /** name, body, the field named; each quotes a value of thousands of characters. */
  static Stream<Arguments> longValues() {
    String origin = "https://api.search.test:443";
    return Stream.of(
        Arguments.of("long-scheme", body(SECRET, origin).put("scheme", "s".repeat(9000)), "scheme"),
        Arguments.of(
            "long-header", body(SECRET, origin).put("header", "h h".repeat(3000)), "header"),
        Arguments.of("long-allow", body(SECRET, "ftp://" + "a".repeat(9000)), "allow[0]"),
        Arguments.of(
            "long-max",
            body(SECRET, origin)
                .put("response", "status-only")
                .put("max_requests", new BigInteger("9".repeat(1000))),
            "max_requests"),
        Arguments.of("Long." + "n".repeat(2000), body(SECRET, origin), "name"),
        Arguments.of("long-field", body(SECRET, origin).put("f".repeat(9000), 1), "f".repeat(63)));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("longValues")
  void regressionARefusalQuotesAnExcerptOfWhatTheCallerSentNeverAllOfIt(
      String name, JsonObject body, String field) {
    // A 9,000-character scheme came back whole (up to the answer's cap) in INVALID_CREDENTIAL.
    HttpResponse<String> refused = put(name, body);
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonObject error = json(refused);
    String message = error.getString("message");
    assertThat(message).as(message).hasSizeLessThan(240).contains("\u2026");
    assertThat(error.getJsonObject("details").getString("field")).startsWith(field);
  }

  @Test
  void withoutMasterKeysEveryCredentialRouteAnswers409(@TempDir Path own) {
    try (ChassisServiceRig vaultless =
        new ChassisServiceRig(REDIS.endpoint(), own, Map.of("chassis.vault.masterKeysFile", ""))) {
      String operator = vaultless.operator();
      String message = "This chassis has no credential vault";
      for (String base : java.util.List.of("/v1/credentials", ACME)) {
        assertError(
            vaultless.http.send(
                "PUT",
                base + "/search-key",
                operator,
                Map.of(),
                body(SECRET, "https://api.search.test:443").encode()),
            409,
            "VAULT_NOT_CONFIGURED",
            message);
        assertError(vaultless.http.get(base, operator), 409, "VAULT_NOT_CONFIGURED", message);
      }
      assertError(
          vaultless.http.send("DELETE", "/v1/credentials/search-key", operator, Map.of()),
          409,
          "VAULT_NOT_CONFIGURED",
          message);
      assertError(
          vaultless.http.send("POST", "/v1/credentials/reseal", operator, Map.of()),
          409,
          "VAULT_NOT_CONFIGURED",
          message);
    }
  }
}
