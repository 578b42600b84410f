package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.Access;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MetricsTest {

  @TempDir Path dir;

  @Test
  void timesRequestsByRouteTemplateNeverByRawPath() {
    try (ServiceFixture fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder
                    .metricsAccess(Access.platform("auditor"))
                    .routes(
                        routes ->
                            routes.get(
                                "/v1/items/:id",
                                Access.authenticated(),
                                ctx -> ctx.end(ctx.pathParam("id")))))) {
      String agent = fixture.tokens.valid("bob", "agent");
      fixture.client.get("/v1/items/41", agent);
      fixture.client.get("/v1/items/42", agent);
      fixture.client.get("/v1/no/such/path/7", agent);

      assertError(fixture.client.get("/metrics", agent), 403, "FORBIDDEN");
      HttpResponse<String> scrape =
          fixture.client.get("/metrics", fixture.tokens.valid("eve", "auditor"));

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain");
      assertThat(scrape.body())
          .contains("http_server_requests_seconds_bucket{")
          .containsPattern(
              "http_server_requests_seconds_count\\{method=\"GET\",outcome=\"SUCCESS\","
                  + "route=\"/v1/items/:id\",status=\"200\"} 2")
          .contains("route=\"UNMATCHED\",status=\"404\"")
          .doesNotContain("/v1/items/41")
          .doesNotContain("/no/such/path");
    }
  }

  @Test
  void aScraperWithTheScrapeTokenReadsMetricsAndNothingElse() {
    String secret = "scrape-" + "s3cr3t".repeat(6);
    try (ServiceFixture fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder
                    .metricsAccess(Access.platform("auditor"))
                    .scrapeToken(Optional.of(ScrapeToken.of("metrics.scrapeToken", secret)))
                    .routes(
                        routes ->
                            routes.get("/v1/items", Access.authenticated(), ctx -> ctx.end())))) {
      fixture.client.get("/v1/items", fixture.tokens.valid("bob", "agent"));
      HttpResponse<String> scrape = fixture.client.get("/metrics", secret);

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("http_server_requests_seconds").doesNotContain(secret);
      assertError(fixture.client.get("/metrics", secret + "x"), 401, "UNAUTHENTICATED");
      assertError(fixture.client.get("/metrics", secret.substring(1)), 401, "UNAUTHENTICATED");
      assertError(fixture.client.get("/v1/items", secret), 401, "UNAUTHENTICATED");
      assertThat(
              fixture.client.get("/metrics", fixture.tokens.valid("eve", "auditor")).statusCode())
          .as("a JWT with the metrics role still works")
          .isEqualTo(200);
    }
  }

  @Test
  void aShortScrapeTokenIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> ScrapeToken.of("metrics.scrapeToken", "short-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metrics.scrapeToken")
        .hasMessageNotContaining("short-secret");
    assertThat(ScrapeToken.of("k", "x".repeat(32)).toString()).doesNotContain("x");
  }
}
