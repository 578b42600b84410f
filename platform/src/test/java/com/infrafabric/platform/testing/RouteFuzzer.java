package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives one fuzz input through a running service: picks one of its routes, a caller allowed on it
 * (sometimes none, sometimes the wrong one), path values, headers and a {@link FuzzedBodies body}
 * from the route's OpenAPI schema, sends it, and checks what must hold whatever the input:
 *
 * <ul>
 *   <li>no 5xx;
 *   <li>the status is one the OpenAPI document lists for the route;
 *   <li>a 4xx wrote nothing to Redis (rate-limit buckets aside, and whatever the service declares a
 *       refusal may write, such as a denial's idempotency record);
 *   <li>the service is still ready afterwards.
 * </ul>
 */
public final class RouteFuzzer {

  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z_]+)}");
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  private final JsonObject document;
  private final FuzzedBodies bodies;
  private final List<RouteDescriptor> routes;
  private final URI base;
  private final RedisStore redis;
  private final Callers callers;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** What the service under test decides: who calls, with which path values, what may change. */
  public interface Callers {

    /** The role of a token that holds no role a route names. */
    String NO_ROLE = "nobody";

    /**
     * A valid token holding {@code role} ({@value #NO_ROLE} for none): a tenant token, confined as
     * the fuzzer needs, if {@code tenant}, else a platform token (no scope claim).
     */
    String token(String role, boolean tenant, FuzzedDataProvider data);

    /** A token that may read readiness. */
    String readinessToken();

    /** A value for path parameter {@code name}, usually one that exists. */
    String pathValue(String name, FuzzedDataProvider data);

    /** True if a refusal with {@code status} may change {@code key} (a refusal's own record). */
    boolean refusalMayWrite(int status, String key);
  }

  public RouteFuzzer(
      JsonObject document,
      List<RouteDescriptor> routes,
      int port,
      RedisStore redis,
      Callers callers) {
    this.document = document;
    this.bodies = new FuzzedBodies(document);
    this.routes = routes.stream().filter(r -> !r.anonymous()).toList();
    this.base = URI.create("http://127.0.0.1:" + port);
    this.redis = redis;
    this.callers = callers;
  }

  /**
   * Sends one request built from {@code data} and checks the invariants. Connections go to the
   * service on loopback only, which Jazzer's request-forgery detector is told to allow.
   */
  public void fuzzOne(FuzzedDataProvider data) {
    try (SilentCloseable loopbackOnly =
        BugDetectors.allowNetworkConnections(
            (host, port) -> host.equals("localhost") || host.startsWith("127."))) {
      check(data);
    }
  }

  private void check(FuzzedDataProvider data) {
    RouteDescriptor route = routes.get(data.consumeInt(0, routes.size() - 1));
    JsonObject operation = operation(route);
    Map<String, String> before = state();
    HttpResponse<String> response = send(route, operation, data);
    String what =
        route.method().name() + " " + route.openApiPath() + " -> " + response.statusCode();

    assertThat(response.statusCode()).as(what + " " + response.body()).isLessThan(500);
    assertThat(operation.getJsonObject("responses").fieldNames())
        .as(
            what
                + ": the status is documented ("
                + response.request().uri()
                + " "
                + response.body()
                + ")")
        .contains(Integer.toString(response.statusCode()));
    if (response.statusCode() >= 400) {
      assertUnchanged(before, state(), response.statusCode(), what);
    }
    assertThat(get("/health/ready", callers.readinessToken()).statusCode())
        .as("ready after " + what)
        .isEqualTo(200);
  }

  private JsonObject operation(RouteDescriptor route) {
    return document
        .getJsonObject("paths")
        .getJsonObject(route.openApiPath())
        .getJsonObject(route.method().name().toLowerCase(java.util.Locale.ROOT));
  }

  private HttpResponse<String> send(
      RouteDescriptor route, JsonObject operation, FuzzedDataProvider data) {
    String token = token(route, data);
    URI uri = base.resolve(path(route, data));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.header("Idempotency-Key", idempotencyKey(data));
    if (data.consumeInt(0, 7) == 0) {
      request.header(
          "If-Match", data.consumeBoolean() ? "1" : headerValue(data.consumeAsciiString(24)));
    }
    byte[] body = body(route, operation, data);
    if (body == null) {
      request.method(route.method().name(), HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType(data));
      request.method(route.method().name(), HttpRequest.BodyPublishers.ofByteArray(body));
    }
    String query = query(operation, data);
    if (!query.isEmpty()) {
      request.uri(URI.create(uri + "?" + query));
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("the service dropped the connection", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private String token(RouteDescriptor route, FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 15)) {
      case 0 -> null;
      case 1 -> callers.token(Callers.NO_ROLE, data.consumeBoolean(), data);
      default -> token(route.access(), data);
    };
  }

  /** A token of a kind and role {@code access} grants: one of its tenant or platform roles. */
  private String token(Access access, FuzzedDataProvider data) {
    List<String> tenantRoles = List.copyOf(access.tenantRoles());
    List<String> platformRoles = List.copyOf(access.platformRoles());
    int choice = data.consumeInt(0, Math.max(0, tenantRoles.size() + platformRoles.size() - 1));
    if (choice < tenantRoles.size()) {
      return callers.token(tenantRoles.get(choice), true, data);
    }
    if (choice - tenantRoles.size() < platformRoles.size()) {
      return callers.token(platformRoles.get(choice - tenantRoles.size()), false, data);
    }
    return callers.token(Callers.NO_ROLE, data.consumeBoolean(), data);
  }

  private String path(RouteDescriptor route, FuzzedDataProvider data) {
    Matcher matcher = PARAM.matcher(route.openApiPath());
    StringBuilder path = new StringBuilder();
    while (matcher.find()) {
      String value =
          data.consumeInt(0, 7) == 0
              ? URLEncoder.encode(data.consumeString(40), StandardCharsets.UTF_8)
                  .replace("+", "%20")
              : callers.pathValue(matcher.group(1), data);
      matcher.appendReplacement(path, Matcher.quoteReplacement(segment(value)));
    }
    matcher.appendTail(path);
    return path.toString();
  }

  /**
   * Query parameters the operation declares, each present or not: an enum value, a number in or out
   * of its range, or any text. Consumed last, so inputs written before queries were fuzzed replay
   * the same request without them.
   */
  private String query(JsonObject operation, FuzzedDataProvider data) {
    StringJoiner query = new StringJoiner("&");
    for (Object entry : operation.getJsonArray("parameters", new JsonArray())) {
      JsonObject parameter = resolved((JsonObject) entry);
      if ("query".equals(parameter.getString("in")) && data.consumeBoolean()) {
        query.add(
            parameter.getString("name")
                + "="
                + URLEncoder.encode(
                        queryValue(parameter.getJsonObject("schema", new JsonObject()), data),
                        StandardCharsets.UTF_8)
                    .replace("+", "%20"));
      }
    }
    return query.toString();
  }

  /** {@code parameter}, or the one its {@code $ref} names in the document's components. */
  private JsonObject resolved(JsonObject parameter) {
    String ref = parameter.getString("$ref");
    if (ref == null) {
      return parameter;
    }
    JsonObject target = document;
    for (String segment : ref.substring("#/".length()).split("/")) {
      target = target.getJsonObject(segment);
    }
    return target;
  }

  private static String queryValue(JsonObject schema, FuzzedDataProvider data) {
    JsonArray values = schema.getJsonArray("enum");
    return switch (data.consumeInt(0, 3)) {
      case 0 ->
          values == null
              ? data.consumeString(60)
              : values.getString(data.consumeInt(0, values.size() - 1));
      case 1 -> Long.toString(data.consumeLong(-2, 2_000));
      default -> data.consumeString(60);
    };
  }

  /**
   * {@code value} as one path segment of this route: {@code x} for an empty one and for the dot
   * segments {@code .} and {@code ..}, which every client and server resolve into another path.
   */
  private static String segment(String value) {
    return value.isEmpty() || value.equals(".") || value.equals("..") ? "x" : value;
  }

  private byte[] body(RouteDescriptor route, JsonObject operation, FuzzedDataProvider data) {
    JsonObject schema =
        operation
            .getJsonObject("requestBody", new JsonObject())
            .getJsonObject("content", new JsonObject())
            .getJsonObject("application/json", new JsonObject())
            .getJsonObject("schema");
    if (schema != null) {
      return bodies.body(schema, data);
    }
    if (BODY_METHODS.contains(route.method().name()) && data.consumeBoolean()) {
      return data.consumeBytes(256);
    }
    return null;
  }

  private static String contentType(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 15)) {
      case 0 -> "text/plain";
      case 1 -> "application/json; charset=latin1";
      case 2 -> "application/x-www-form-urlencoded";
      default -> "application/json";
    };
  }

  private static String idempotencyKey(FuzzedDataProvider data) {
    return data.consumeInt(0, 7) == 0
        ? headerValue(data.consumeAsciiString(80))
        : "fuzz-" + Long.toHexString(data.consumeLong());
  }

  /**
   * {@code text} as a header value an HTTP client sends: without control characters and without
   * white space at either end (the JDK's client refuses both), {@code x} if nothing is left.
   */
  private static String headerValue(String text) {
    String value = text.replaceAll("[\\x00-\\x1f\\x7f]", "").strip();
    return value.isEmpty() ? "x" : value;
  }

  private HttpResponse<String> get(String path, String token) {
    try {
      return client.send(
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Every key but rate-limit buckets, with Redis' digest of its value. */
  private Map<String, String> state() {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page =
          Await.result(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> keys.add(key.toString()));
    } while (!cursor.equals("0"));
    keys.removeIf(key -> key.contains(":ratelimit:"));
    Map<String, String> digests = new TreeMap<>();
    if (keys.isEmpty()) {
      return digests;
    }
    Request digest = Request.cmd(Command.DEBUG).arg("DIGEST-VALUE");
    keys.forEach(digest::arg);
    Response values = Await.result(redis.send(digest));
    for (int i = 0; i < keys.size(); i++) {
      digests.put(keys.get(i), values.get(i).toString());
    }
    return digests;
  }

  private void assertUnchanged(
      Map<String, String> before, Map<String, String> after, int status, String what) {
    Set<String> keys = new java.util.TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String key : keys) {
      if (!java.util.Objects.equals(before.get(key), after.get(key))
          && !callers.refusalMayWrite(status, key)) {
        throw new AssertionError(what + " changed " + key + " although it was refused");
      }
    }
  }
}
