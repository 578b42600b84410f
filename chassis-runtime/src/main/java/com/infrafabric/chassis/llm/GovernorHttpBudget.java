package com.infrafabric.chassis.llm;

import com.infrafabric.llm.BoundedExchange;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.scope.ScopeGrammar;
import com.infrafabric.wire.reservation.BudgetRequest;
import com.infrafabric.wire.reservation.CommitResult;
import com.infrafabric.wire.reservation.ReleaseResult;
import com.infrafabric.wire.reservation.ReservationWire;
import com.infrafabric.wire.reservation.ReserveResult;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link BudgetPort} over the governor's REST API ({@code POST /v1/reservations}, {@code
 * /v1/reservations/{id}/commit} and {@code /release}), authenticated with the chassis service's
 * platform token (role {@code chassis}); each reserve carries the grant the call is made under
 * ({@link BudgetRequest#grantToken}), for the governor holds the chassis's reservations only within
 * a grant it signed. Every request carries an {@code Idempotency-Key}, so repeating one after a
 * lost answer returns the first result. A request that does not complete within the timeout, a 429
 * or a 5xx is {@code Unavailable}; a 402 is a denial with the tightest layer's remaining budget.
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
    return post(
            ReservationWire.RESERVATIONS,
            ReservationWire.reserveBody(request),
            ScopeGrammar.tenantOf(request.scope()),
            request.idempotencyKey())
        .map(answer -> ReservationWire.reserved(answer.status(), answer.body()))
        .otherwise(failure -> new ReserveResult.Unavailable(unreachable(failure)));
  }

  @Override
  public Future<CommitResult> commit(
      String reservationId, String model, TokenUsage usage, String key) {
    return post(
            ReservationWire.commitPath(reservationId),
            ReservationWire.commitBody(model, usage),
            ReservationWire.tenantOf(reservationId),
            key)
        .map(answer -> ReservationWire.committed(answer.status(), answer.body()))
        .otherwise(failure -> new CommitResult.Unavailable(unreachable(failure)));
  }

  @Override
  public Future<ReleaseResult> release(String reservationId, String key) {
    return post(
            ReservationWire.releasePath(reservationId),
            ReservationWire.releaseBody(),
            ReservationWire.tenantOf(reservationId),
            key)
        .map(answer -> ReservationWire.released(answer.status(), answer.body()))
        .otherwise(failure -> new ReleaseResult.Unavailable(unreachable(failure)));
  }

  @Override
  public void close() {
    client.close();
  }

  private record Answer(int status, JsonObject body) {}

  /**
   * Posts {@code body} for {@code tenant}, which the request names ({@link Requests#ACTING_TENANT})
   * so that the governor shares its bounds out by the tenant the call is for.
   */
  private Future<Answer> post(String path, JsonObject body, String tenant, String idempotencyKey) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(base.getHost())
            .setPort(port())
            .setURI(basePath() + path)
            .putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + agentToken.get())
            .putHeader(ReservationWire.IDEMPOTENCY_HEADER, idempotencyKey)
            .putHeader(Requests.ACTING_TENANT, tenant);
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
}
