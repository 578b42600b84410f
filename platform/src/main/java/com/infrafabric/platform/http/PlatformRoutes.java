package com.infrafabric.platform.http;

import com.infrafabric.platform.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The routes every service has: liveness, readiness and the Prometheus scrape. */
final class PlatformRoutes {

  static final String LIVE = "/health/live";
  static final String READY = "/health/ready";
  static final String METRICS = "/metrics";

  private static final String LIVE_BODY = new JsonObject().put("status", "UP").encode();
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Readiness readiness;
  private final PrometheusMeterRegistry meters;

  PlatformRoutes(Readiness readiness, PrometheusMeterRegistry meters) {
    this.readiness = readiness;
    this.meters = meters;
  }

  /** The process is up and its event loop answers; says nothing about dependencies. */
  void live(RoutingContext ctx) {
    json(ctx, 200, LIVE_BODY);
  }

  /**
   * 200 when every readiness check is up, 503 otherwise, with each check's status; an authenticated
   * caller also gets each check's detail.
   */
  void ready(RoutingContext ctx) {
    boolean authenticated = ctx.get(Requests.PRINCIPAL) != null;
    readiness
        .evaluate(!authenticated)
        .onSuccess(
            report -> json(ctx, report.up() ? 200 : 503, report.toJson(authenticated).encode()))
        .onFailure(ctx::fail);
  }

  void metrics(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(meters.scrape());
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }
}
