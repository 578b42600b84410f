package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
}
