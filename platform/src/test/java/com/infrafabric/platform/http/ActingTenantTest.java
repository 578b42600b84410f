package com.infrafabric.platform.http;

import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (probe): {@value Requests#ACTING_TENANT} was read wherever it was sent and however it
 * was spelled. A malformed name ({@code ../beta}, {@code beta,delta}) was silently read as none, a
 * repeated header as its first value, and on a route that never checks the name (a price list) a
 * platform token's request was answered 200 and moved into the named tenant's share of the node's
 * in-flight and admission bounds. The name is now vetted before anything counts the request: taken
 * only on a route registered with {@link Routes#actingFor}, from a caller that route lets name one;
 * every other use is a 400 naming the header, before the route's handler (or the tenant's share) is
 * reached.
 */
@Timeout(30)
class ActingTenantTest {

  private static final String CHASSIS = "chassis";

  @TempDir Path dir;
  private ServiceFixture fixture;
  private String chassis;

  @BeforeEach
  void start() {
    fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder.routes(
                    routes -> {
                      routes
                          .actingFor(Access.platform(CHASSIS))
                          .get("/v1/checked", Access.authenticated(), ActingTenantTest::tenants);
                      routes.get(
                          "/v1/unchecked", Access.authenticated(), ActingTenantTest::tenants);
                    }));
    chassis = fixture.tokens.mint(fixture.tokens.spec("node-1", CHASSIS));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  /** Answers with the tenant the request acts in, as the node's bounds counted it. */
  private static void tenants(RoutingContext ctx) {
    ctx.json(
        new JsonObject()
            .put("tenant", Requests.tenant(ctx))
            .put("named", Requests.actingTenant(ctx).orElse(null)));
  }

  @Test
  void aRouteThatChecksTheNameTakesItFromTheCallersItLetsNameOne() {
    JsonObject acting = json(named("/v1/checked", chassis, "beta"));
    assertThat(acting.getString("tenant")).isEqualTo("beta");
    assertThat(acting.getString("named")).isEqualTo("beta");

    JsonObject none = json(fixture.client.get("/v1/checked", chassis));
    assertThat(none.getString("tenant")).isEmpty();
    assertThat(none.getString("named")).isNull();
  }

  @Test
  void aNameOnARouteThatNeverChecksItIsRefused() {
    refused(named("/v1/unchecked", chassis, "beta"), "means nothing on this route");
    assertThat(json(fixture.client.get("/v1/unchecked", chassis)).getString("tenant")).isEmpty();
  }

  @Test
  void aMalformedNameIsRefusedNotReadAsNone() {
    for (String malformed :
        List.of("../beta", "beta,delta", "ÄÖ", "beta/x", "-beta", "a".repeat(65))) {
      refused(named("/v1/checked", chassis, malformed), "must be a tenant name");
    }
  }

  @Test
  void onlyTheCallersTheRouteLetsNameOneMayNameOne() {
    String tenantToken =
        fixture.tokens.mint(fixture.tokens.spec("agent-1", CHASSIS).withScope("alpha"));
    String otherService = fixture.tokens.mint(fixture.tokens.spec("ops", "admin"));

    refused(named("/v1/checked", tenantToken, "beta"), "is for the platform services");
    refused(named("/v1/checked", tenantToken, "alpha"), "is for the platform services");
    refused(named("/v1/checked", otherService, "beta"), "is for the platform services");
  }

  @Test
  void aRepeatedNameIsRefusedAsAmbiguous() {
    HttpResponse<String> repeated =
        fixture.client.postRepeating(
            "/v1/checked", chassis, "{}", Requests.ACTING_TENANT, List.of("beta", "gamma"));
    assertError(repeated, 400, "MALFORMED_REQUEST", "more than once");
  }

  private HttpResponse<String> named(String path, String token, String tenant) {
    return fixture.client.send("GET", path, token, Map.of(Requests.ACTING_TENANT, tenant));
  }

  private static void refused(HttpResponse<String> answer, String why) {
    JsonObject error = assertError(answer, 400, "INVALID_REQUEST", Requests.ACTING_TENANT);
    assertThat(error.getString("message")).contains(why);
    assertThat(error.getJsonObject("details").getString("field")).isEqualTo(Requests.ACTING_TENANT);
  }

  private static JsonObject json(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }
}
