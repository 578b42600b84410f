package com.infrafabric.platform.testing;

import com.infrafabric.platform.http.RouteDescriptor;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;

/**
 * Checks a service's OpenAPI document against what its routes answer, for the statuses the platform
 * itself gives every route: each one the platform can answer is documented (400 for a query
 * parameter the route does not take, and 431 for headers past the bound, on every route; 401, 408,
 * 413, 503 on every authenticated route; 429 on rate-limited ones; neither 403 nor 429 on anonymous
 * ones; 403 where access needs a role; 415 on every POST and PUT, whose body, if any, must be JSON;
 * 400 and 415 where a JSON body is read), none it cannot is (429 on unlimited routes, 403 where any
 * token will do, 500 anywhere), and 401 and 403 are provoked for real on every route (no token; a
 * token without the route's roles). The body statuses of the shared chain are provoked by the
 * platform's own tests (ErrorShapeTest, ConnectionGuardTest); route-specific statuses by each
 * service's tests and by its fuzz test, which refuses any status the document does not list for the
 * route.
 */
public final class StatusConformance {

  private static final Set<String> UNLIMITED = Set.of("/metrics");

  /** The anonymous route that charges a token holder's request to its rate limit. */
  private static final String CHARGED_WITH_A_TOKEN = "/health/ready";

  private final JsonObject document;
  private final List<RouteDescriptor> routes;
  private final URI base;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public StatusConformance(JsonObject document, List<RouteDescriptor> routes, int port) {
    this.document = document;
    this.routes = routes;
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Runs every check; {@code tokenWithout} gives a valid token holding none of the given roles;
   * path parameters are filled with {@code pathValue}.
   */
  public void check(Function<Set<String>, String> tokenWithout, String pathValue) {
    SoftAssertions soft = new SoftAssertions();
    for (RouteDescriptor route : routes) {
      String op = route.method().name() + " " + route.openApiPath();
      JsonObject operation = operation(route);
      Set<String> documented = operation.getJsonObject("responses").fieldNames();
      soft.assertThat(documented).as(op).doesNotContain("500");
      // Regression: a query parameter no route takes (400) and headers past the bound (431) were
      // answered by every route and documented by few.
      soft.assertThat(documented).as(op).contains("400", "431");
      String method = route.method().name();
      if (method.equals("POST") || method.equals("PUT")) {
        soft.assertThat(documented).as(op + ": a body that is not JSON").contains("415");
      }
      if (route.anonymous()) {
        soft.assertThat(documented).as(op).contains("200").doesNotContain("403");
        if (route.path().equals(CHARGED_WITH_A_TOKEN)) {
          soft.assertThat(documented).as(op + ": charged with a token").contains("429");
        } else {
          soft.assertThat(documented).as(op + ": anonymous").doesNotContain("429");
        }
        String unknownQuery = route.openApiPath().replaceAll("\\{[A-Za-z_]+}", pathValue) + "?zz=1";
        soft.assertThat(send(route, unknownQuery, null).statusCode())
            .as(op + " with a query parameter it does not take")
            .isEqualTo(400);
        continue;
      }
      List<String> required = new ArrayList<>(List.of("401", "408", "413", "503"));
      boolean roles = !route.access().anyToken();
      boolean body = operation.containsKey("requestBody");
      if (roles) {
        required.add("403");
      } else {
        soft.assertThat(documented).as(op + ": any token will do").doesNotContain("403");
      }
      if (body) {
        required.addAll(List.of("400", "415"));
      }
      if (UNLIMITED.contains(route.path())) {
        soft.assertThat(documented).as(op + ": not rate limited").doesNotContain("429");
      } else {
        required.add("429");
      }
      soft.assertThat(documented).as(op).containsAll(required);
      String path = route.openApiPath().replaceAll("\\{[A-Za-z_]+}", pathValue);

      soft.assertThat(send(route, path, null).statusCode()).as(op + " no token").isEqualTo(401);
      if (roles) {
        String stranger =
            tokenWithout.apply(union(route.access().tenantRoles(), route.access().platformRoles()));
        soft.assertThat(send(route, path, stranger).statusCode())
            .as(op + " without the role")
            .isEqualTo(403);
      }
    }
    soft.assertAll();
  }

  private JsonObject operation(RouteDescriptor route) {
    return document
        .getJsonObject("paths")
        .getJsonObject(route.openApiPath())
        .getJsonObject(route.method().name().toLowerCase(Locale.ROOT));
  }

  private HttpResponse<String> send(RouteDescriptor route, String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Idempotency-Key", "conformance-" + System.nanoTime());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.method(route.method().name(), HttpRequest.BodyPublishers.noBody());
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
