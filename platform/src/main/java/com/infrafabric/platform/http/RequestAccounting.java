package com.infrafabric.platform.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * What every request on a connection passes, however it is answered: it counts as its connection's
 * request ({@link ConnectionGuard#requestStarted}), gets its request id, is logged and timed, its
 * answer is neither sniffed nor stored, and its body is held until a step asks for it.
 *
 * <p>The router runs it as its first step; but vertx-web refuses some requests before any step runs
 * ({@code OPTIONS *}, a {@code CONNECT}, a target without a leading slash, an HTTP/1.1 request
 * without {@code Host}), and those reach only a failure handler, which runs it too ({@link
 * #account}): once per request, whichever comes first. Whether a refusal ends its connection is
 * decided here as well ({@link #endsConnection}), for every refusal alike, so that a request the
 * framework answers on its own costs a client what the service's own refusals cost it.
 *
 * <p>Thread-safe: it keeps nothing of a request but in the request's own context.
 */
final class RequestAccounting implements Handler<RoutingContext> {

  private static final String ACCOUNTED = "infrafabric.accounted";
  private static final String NOSNIFF_HEADER = "X-Content-Type-Options";

  private final ConnectionGuard connections;
  private final RequestMetrics metrics;

  RequestAccounting(ConnectionGuard connections, MeterRegistry meters) {
    this.connections = connections;
    this.metrics = new RequestMetrics(meters);
  }

  @Override
  public void handle(RoutingContext ctx) {
    account(ctx);
    ctx.next();
  }

  /** Accounts for {@code ctx}'s request, unless that is done already. */
  void account(RoutingContext ctx) {
    if (ctx.get(ACCOUNTED) != null) {
      return;
    }
    ctx.put(ACCOUNTED, Boolean.TRUE);
    connections.requestStarted(ctx);
    holdBody(ctx);
    neitherSniffedNorStored(ctx);
    Requests.noteWhenOver(ctx);
    RequestId.assign(ctx);
    AccessLog.watch(ctx);
    metrics.time(ctx);
  }

  /**
   * True if answering {@code ctx}'s request with {@code error} ends its connection: a refused
   * credential (each guess at one then costs the guesser a new connection, which the bound on
   * unauthenticated connections holds, not one more request on a kept-alive one); any refusal on a
   * connection that has carried no authenticated request, for the same reason, as a client needs no
   * credential to be refused; and a head the decoder could not read, after which nothing on the
   * connection can be read as a request.
   */
  boolean endsConnection(RoutingContext ctx, ApiException error) {
    return error.code().equals(ErrorCode.UNAUTHENTICATED)
        || UnreadableHead.of(ctx.request()).isPresent()
        || !connections.carriedAuthenticatedRequest(ctx.request().connection());
  }

  /**
   * Keeps the body in the connection until the route's chain asks for it: nothing is read, buffered
   * or lost while authentication and the other checks run, however they are scheduled.
   */
  private static void holdBody(RoutingContext ctx) {
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
  }

  /**
   * Every answer a route gives, errors included: its content type is never second-guessed (a JSON
   * error quoting a caller's text is never rendered as HTML), and no cache keeps it (a virtual
   * key's secret is in one answer only; budgets, ledgers and spend are private). A route that may
   * be cached says so itself.
   */
  private static void neitherSniffedNorStored(RoutingContext ctx) {
    ctx.response()
        .putHeader(NOSNIFF_HEADER, "nosniff")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
  }
}
