package com.infrafabric.platform.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request's id: the caller's {@code X-Request-Id} if it is well formed (1..128 characters
 * from {@code [A-Za-z0-9._:-]}, so it is safe to log), otherwise a random UUID. The id is echoed in
 * the response header, every error body and the access log. A well-formed W3C {@code traceparent}
 * is kept too, so the access log names the trace the request belongs to.
 */
final class RequestId {

  static final String HEADER = "X-Request-Id";
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private RequestId() {}

  /** Gives {@code ctx}'s request its id ({@link Requests#requestId}) and notes its trace. */
  static void assign(RoutingContext ctx) {
    String offered = ctx.request().getHeader(HEADER);
    String id = isWellFormed(offered) ? offered : UUID.randomUUID().toString();
    ctx.put(Requests.REQUEST_ID, id);
    ctx.response().putHeader(HEADER, id);
    TraceParent.parse(ctx.request().getHeader(TraceParent.HEADER))
        .ifPresent(trace -> ctx.put(Requests.TRACE_ID, trace.traceId()));
  }

  private static boolean isWellFormed(String id) {
    return id != null && WELL_FORMED.matcher(id).matches();
  }
}
