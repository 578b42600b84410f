package com.infrafabric.benchmarks.load;

import com.infrafabric.platform.http.HttpSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The load generator's HTTP side: its own Vert.x instance, so it never shares an event loop with
 * the service, and one HTTP/1.1 client with keep-alive connections to the service, at most {@code
 * connections} of them. Requests beyond that wait for a free connection (that wait is part of their
 * latency), at most {@code maxWaiting} of them.
 *
 * <p>Load is sent from {@link #context()} so that every response completes on that one event loop;
 * {@link #call} runs set-up requests there too, so they open the same connections.
 */
final class LoadClient implements AutoCloseable {

  /** A request with no answer for this long fails; bounds every phase's drain. */
  private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

  /**
   * How long an idle connection stays in the pool: half the service's idle timeout ({@link
   * HttpSettings#defaults()}, 60 s). With both at 60 s, a connection the pool had left idle through
   * a few slow phases could be picked for a request just as the service closed it, and the request
   * failed with "Connection was closed": a race of the harness, counted as the service's failure.
   */
  private static final int KEEP_ALIVE_SECONDS =
      (int) HttpSettings.defaults().idleTimeout().toSeconds() / 2;

  private static final String JSON = "application/json";
  private static final String OVERLOADED = "\"code\":\"overloaded\"";

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent http;
  private final int port;

  private LoadClient(Vertx vertx, int port, int connections, int maxWaiting) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.port = port;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setPipelining(false),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(maxWaiting));
  }

  /** A client for the service listening on loopback {@code port}. */
  static LoadClient connect(int port, int connections, int maxWaiting) {
    return new LoadClient(Vertx.vertx(), port, connections, maxWaiting);
  }

  Context context() {
    return context;
  }

  /** Runs {@code request} on {@link #context()} and blocks the calling thread for its result. */
  <T> T call(Supplier<Future<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        ignored ->
            request.get().onSuccess(result::complete).onFailure(result::completeExceptionally));
    return result.join();
  }

  /** A POST with a fresh {@code Idempotency-Key}, as every charge-path request carries. */
  Future<JsonObject> post(String uri, String token, Buffer body, int expectedStatus) {
    return send(
        options(HttpMethod.POST, uri, token)
            .putHeader("Idempotency-Key", UUID.randomUUID().toString()),
        body,
        expectedStatus);
  }

  Future<JsonObject> put(String uri, String token, JsonObject body, int expectedStatus) {
    return send(options(HttpMethod.PUT, uri, token), body.toBuffer(), expectedStatus);
  }

  /** An unauthenticated GET with no body, such as a probe's. */
  Future<JsonObject> get(String uri, int expectedStatus) {
    return send(address(HttpMethod.GET, uri), Buffer.buffer(), expectedStatus);
  }

  /**
   * Whether the answer is the service shedding load: {@code 503 OVERLOADED} (the admission or
   * in-flight limit) or {@code 429} (a rate limit), either with the {@code Retry-After} that tells
   * the client when to come back. A refusal without it is not shedding but a failure. The gateway's
   * OpenAI dialect spells the code in lower case, as OpenAI's error codes are.
   */
  private static boolean shed(HttpClientResponse response, Buffer answer) {
    int status = response.statusCode();
    return (status == 429
            || status == 503 && answer.toString().toLowerCase(Locale.ROOT).contains(OVERLOADED))
        && response.getHeader(HttpHeaders.RETRY_AFTER) != null;
  }

  /** Closes the connections and the generator's Vert.x instance. */
  @Override
  public void close() {
    vertx.close().await();
  }

  private RequestOptions options(HttpMethod method, String uri, String token) {
    return address(method, uri)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON);
  }

  private RequestOptions address(HttpMethod method, String uri) {
    return new RequestOptions()
        .setMethod(method)
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI(uri)
        .setIdleTimeout(REQUEST_TIMEOUT_MILLIS);
  }

  /** Sends; the future fails unless the answer has {@code expectedStatus}. */
  private Future<JsonObject> send(RequestOptions options, Buffer body, int expectedStatus) {
    return http.request(options)
        .compose(request -> request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        answer ->
                            response.statusCode() == expectedStatus
                                ? Future.succeededFuture(answer.toJsonObject())
                                : shed(response, answer)
                                    ? Future.failedFuture(
                                        new Shed(options.getMethod() + " " + options.getURI()))
                                    : Future.failedFuture(
                                        new IllegalStateException(
                                            options.getMethod()
                                                + " "
                                                + options.getURI()
                                                + " answered "
                                                + response.statusCode()
                                                + ": "
                                                + answer))));
  }
}
