package com.infrafabric.platform.http;

import com.infrafabric.platform.metrics.MeterCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Records the {@code http.server.requests} timer (with a percentile histogram) when each response
 * ends, tagged by route template (never the raw path, so cardinality stays bounded), method, status
 * and outcome. Each timer is registered once ({@link MeterCache}).
 */
final class RequestMetrics {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final MeterRegistry meters;
  private final MeterCache<Series, Timer> timers;

  RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.timers = new MeterCache<>(series -> series.register(meters));
  }

  /** Times {@code ctx}'s request until its response ends. */
  void time(RoutingContext ctx) {
    Timer.Sample sample = Timer.start(meters);
    ctx.addEndHandler(
        done -> {
          int status = done.succeeded() ? ctx.response().getStatusCode() : 0;
          sample.stop(timers.get(new Series(Requests.route(ctx), method(ctx), status)));
        });
  }

  /** The tag values of one {@code http.server.requests} timer. */
  private record Series(String route, String method, int status) {
    Timer register(MeterRegistry meters) {
      return Timer.builder("http.server.requests")
          .description("HTTP requests by route template")
          .tag("route", route)
          .tag("method", method)
          .tag("status", Integer.toString(status))
          .tag("outcome", outcome(status))
          .register(meters);
    }
  }

  /** The method, or {@code OTHER} for anything unusual, so a client cannot mint tag values. */
  static String method(RoutingContext ctx) {
    String method = ctx.request().method().name();
    return METHODS.contains(method) ? method : "OTHER";
  }

  private static String outcome(int status) {
    if (status >= 200 && status < 300) {
      return "SUCCESS";
    }
    if (status >= 400 && status < 500) {
      return "CLIENT_ERROR";
    }
    if (status >= 500) {
      return "SERVER_ERROR";
    }
    return status >= 300 ? "REDIRECTION" : "UNKNOWN";
  }
}
