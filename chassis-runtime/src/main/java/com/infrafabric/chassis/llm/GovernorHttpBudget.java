package com.infrafabric.chassis.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link BudgetPort} over the governor's REST API ({@code POST /v1/reservations}, {@code
 * /v1/reservations/{id}/commit} and {@code /release}), authenticated with an agent token whose
 * {@code scope} claim covers the scopes grants name. Every request carries an {@code
 * Idempotency-Key}, so repeating one after a lost answer returns the first result. A request that
 * does not complete within the timeout, a 429 or a 5xx is {@code Unavailable}; a 402 is a denial
 * with the tightest layer's remaining budget.
 *
 * <p>Thread-safe; never blocks. {@link #close()} releases its HTTP client.
 */
public final class GovernorHttpBudget implements BudgetPort, AutoCloseable {

  private final Vertx vertx;
  private final HttpClient client;
  private final URI base;
  private final Supplier<String> agentToken;
  private final Duration timeout;

  private GovernorHttpBudget(
      Vertx vertx, HttpClient client, URI base, Supplier<String> agentToken, Duration timeout) {
    this.vertx = vertx;
    this.client = client;
    this.base = base;
    this.agentToken = agentToken;
    this.timeout = timeout;
  }

  /**
   * @param base the governor's base URL, e.g. {@code http://127.0.0.1:8080}
   * @param agentToken the bearer token to send; asked for each request so it can be rotated
   * @param timeout bound on one request
   */
  public static GovernorHttpBudget create(
      Vertx vertx, URI base, Supplier<String> agentToken, Duration timeout) {
    Objects.requireNonNull(agentToken, "agentToken");
    if (base.getHost() == null) {
      throw new IllegalArgumentException("governor URL " + base + " has no host");
    }
    HttpClientOptions options = new HttpClientOptions().setSsl("https".equals(base.getScheme()));
    return new GovernorHttpBudget(
        vertx, vertx.createHttpClient(options), base, agentToken, timeout);
  }

  @Override
  public Future<ReserveResult> reserve(BudgetRequest request) {
    JsonObject body =
        new JsonObject()
            .put("scope", request.scope())
            .put("model", request.model())
            .put("input_tokens", request.inputTokens())
            .put("max_output_tokens", request.maxOutputTokens())
            .put("ttl_seconds", Math.max(1, request.ttl().toSeconds()));
    return post("/v1/reservations", body, request.idempotencyKey())
        .map(GovernorHttpBudget::reserved)
        .otherwise(failure -> new ReserveResult.Unavailable(unreachable(failure)));
  }

  @Override
  public Future<CommitResult> commit(
      String reservationId, String model, TokenUsage usage, String key) {
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put("input_tokens", usage.inputTokens())
            .put("cached_input_tokens", usage.cachedInputTokens())
            .put("output_tokens", usage.outputTokens());
    return post(path(reservationId, "commit"), body, key)
        .map(GovernorHttpBudget::committed)
        .otherwise(failure -> new CommitResult.Unavailable(unreachable(failure)));
  }

  @Override
  public Future<ReleaseResult> release(String reservationId, String key) {
    return post(path(reservationId, "release"), new JsonObject(), key)
        .map(GovernorHttpBudget::released)
        .otherwise(failure -> new ReleaseResult.Unavailable(unreachable(failure)));
  }

  @Override
  public void close() {
    client.close();
  }

  private record Answer(int status, JsonObject body) {
    String describe() {
      return "the governor answered "
          + status
          + " "
          + body.getString("code", "")
          + ": "
          + body.getString("message", "");
    }
  }

  private static ReserveResult reserved(Answer answer) {
    if (answer.status() == 200 || answer.status() == 201) {
      return new ReserveResult.Reserved(
          answer.body().getString("reservation_id"),
          answer.body().getLong("amount_micros"),
          remaining(answer.body().getJsonObject("tightest")));
    }
    if (answer.status() == 402) {
      return new ReserveResult.Denied(
          answer.body().getString("message", "the budget has no room"),
          tightestRemaining(answer.body().getJsonObject("details", new JsonObject())));
    }
    return new ReserveResult.Unavailable(answer.describe());
  }

  private static CommitResult committed(Answer answer) {
    if (answer.status() == 200) {
      return new CommitResult.Committed(
          answer.body().getLong("actual_micros"),
          remaining(answer.body().getJsonObject("tightest")));
    }
    if (answer.status() == 404 || answer.status() == 409) {
      return new CommitResult.Rejected(answer.describe());
    }
    return new CommitResult.Unavailable(answer.describe());
  }

  private static ReleaseResult released(Answer answer) {
    boolean ended = answer.status() == 200 || answer.status() == 404 || answer.status() == 409;
    return ended ? new ReleaseResult.Released() : new ReleaseResult.Unavailable(answer.describe());
  }

  /** The remaining budget of a layer; a scope without any cap has no limit to report. */
  private static long remaining(JsonObject tightest) {
    return tightest == null ? Long.MAX_VALUE : tightest.getLong("remaining_micros");
  }

  private static long tightestRemaining(JsonObject details) {
    JsonArray layers = details.getJsonArray("layers", new JsonArray());
    long least = Long.MAX_VALUE;
    for (int i = 0; i < layers.size(); i++) {
      least = Math.min(least, layers.getJsonObject(i).getLong("remaining_micros"));
    }
    return least == Long.MAX_VALUE ? 0 : least;
  }

  private Future<Answer> post(String path, JsonObject body, String idempotencyKey) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(base.getHost())
            .setPort(port())
            .setURI(basePath() + path)
            .putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + agentToken.get())
            .putHeader("idempotency-key", idempotencyKey);
    return BoundedExchange.send(
            vertx, client, options, body.toBuffer(), timeout, new Cancellation())
        .map(GovernorHttpBudget::answer);
  }

  private static Answer answer(BoundedExchange.Received received) {
    Buffer bytes = received.body();
    JsonObject json;
    try {
      json = bytes.length() == 0 ? new JsonObject() : bytes.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json = new JsonObject().put("message", "the answer is not a JSON object");
    }
    return new Answer(received.status(), json);
  }

  private static String unreachable(Throwable failure) {
    return "the governor request failed: " + failure;
  }

  private int port() {
    if (base.getPort() > 0) {
      return base.getPort();
    }
    return "https".equals(base.getScheme()) ? 443 : 80;
  }

  private String basePath() {
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String path(String reservationId, String action) {
    return "/v1/reservations/"
        + URLEncoder.encode(reservationId, StandardCharsets.UTF_8)
        + '/'
        + action;
  }
}
