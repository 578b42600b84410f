package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.Access;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class CorsTest {

  private static final String CONSOLE = "https://console.example.com";

  @TempDir Path dir;

  @Test
  void sendsNoCorsHeadersAtAllByDefault() {
    try (ServiceFixture fixture = ServiceFixture.start(dir, CorsTest::withRoute)) {
      String token = fixture.tokens.valid("alice");

      HttpResponse<String> simple =
          fixture.client.send("GET", "/v1/items", token, Map.of("Origin", CONSOLE));
      HttpResponse<String> preflight = preflight(fixture, CONSOLE);

      assertThat(simple.statusCode()).isEqualTo(200);
      assertThat(simple.headers().map().keySet()).noneMatch(h -> h.startsWith("access-control"));
      assertThat(preflight.headers().map().keySet()).noneMatch(h -> h.startsWith("access-control"));
    }
  }

  @Test
  void answersOnlyTheAllowedOrigins() {
    try (ServiceFixture fixture =
        ServiceFixture.start(
            dir,
            builder ->
                withRoute(
                    builder.settings(
                        HttpSettings.defaults()
                            .withPort(0)
                            .withCors(CorsSettings.allow(CONSOLE)))))) {
      String token = fixture.tokens.valid("alice");

      HttpResponse<String> allowed =
          fixture.client.send("GET", "/v1/items", token, Map.of("Origin", CONSOLE));
      HttpResponse<String> allowedPreflight = preflight(fixture, CONSOLE);
      HttpResponse<String> other = preflight(fixture, "https://evil.example.com");

      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(CONSOLE);
      assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers"))
          .as("a browser client reads the key of a request it must retry")
          .hasValueSatisfying(exposed -> assertThat(exposed).contains("Idempotency-Key"));
      assertThat(allowedPreflight.headers().firstValue("Access-Control-Allow-Origin"))
          .contains(CONSOLE);
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void refusesAWildcardOriginAtConfigurationTime() {
    assertThatThrownBy(() -> CorsSettings.allow("*"))
        .hasMessage("http.cors.allowedOrigins must list exact origins; '*' is not allowed");
    assertThatThrownBy(() -> CorsSettings.allow("https://*.example.com"))
        .hasMessage("http.cors.allowedOrigins must list exact origins; '*' is not allowed");
    assertThatThrownBy(() -> CorsSettings.allow("console.example.com"))
        .hasMessage(
            "http.cors.allowedOrigins entry 'console.example.com' is not an origin like"
                + " https://console.example.com");
  }

  private static void withRoute(ServiceFixture.Customizer builder) {
    builder.routes(routes -> routes.get("/v1/items", Access.authenticated(), ctx -> ctx.end("[]")));
  }

  private static HttpResponse<String> preflight(ServiceFixture fixture, String origin) {
    return fixture.client.send(
        "OPTIONS",
        "/v1/items",
        null,
        Map.of("Origin", origin, "Access-Control-Request-Method", "GET"));
  }
}
