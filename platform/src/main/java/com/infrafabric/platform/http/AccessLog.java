package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Principal;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one structured line per request to the {@code infrafabric.access} logger at DEBUG when the
 * response ends: request id, W3C trace id, method, route template, status, duration and principal
 * subject. It never logs headers, tokens, bodies, raw paths or query strings, which may carry
 * secrets.
 *
 * <p>DEBUG, not INFO: a line per request was the largest avoidable cost of the charge path (a JSON
 * encoding and a synchronous write to stdout on the event loop), and {@code http.server.requests}
 * already counts every request by route, status and latency. With DEBUG off for that logger it adds
 * nothing to the request, not even its end handler.
 */
final class AccessLog {

  private static final Logger ACCESS = LoggerFactory.getLogger("infrafabric.access");

  private AccessLog() {}

  /** Logs {@code ctx}'s request once it ends, if the access log is on. */
  static void watch(RoutingContext ctx) {
    if (!ACCESS.isDebugEnabled()) {
      return;
    }
    long start = System.nanoTime();
    ctx.addEndHandler(
        done -> {
          Principal principal = ctx.get(Requests.PRINCIPAL);
          ACCESS
              .atDebug()
              .addKeyValue("requestId", Requests.requestId(ctx))
              .addKeyValue("traceId", Requests.traceId(ctx))
              .addKeyValue("method", RequestMetrics.method(ctx))
              .addKeyValue("route", Requests.route(ctx))
              .addKeyValue("status", done.succeeded() ? ctx.response().getStatusCode() : 0)
              .addKeyValue("durationMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
              .addKeyValue("subject", principal != null ? principal.subject() : "-")
              .log("request");
        });
  }
}
