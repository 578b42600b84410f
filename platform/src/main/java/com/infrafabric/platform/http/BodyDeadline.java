package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Gives a request body a deadline from its length, at most its route's limit ({@link
 * BodyLimit#expectedBytes}), and never past {@link ConnectionLimits#maxBodyTime} ({@link
 * ConnectionLimits#bodyDeadline}): a body still arriving then is answered 408 {@code
 * REQUEST_TIMEOUT} and its connection closed, so a client trickling a byte a second cannot keep its
 * in-flight slot, nor the bytes it sent. Runs before the body is read, after its route's {@link
 * BodyLimit}.
 */
final class BodyDeadline implements Handler<RoutingContext> {

  static final ErrorCode REQUEST_TIMEOUT = new ErrorCode("REQUEST_TIMEOUT", 408);

  private final ConnectionLimits limits;

  BodyDeadline(ConnectionLimits limits) {
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (Requests.over(ctx)) {
      return; // gone while it was rate limited: no timer whose cancel would never run
    }
    if (!bodyPending(ctx.request())) {
      ctx.next();
      return;
    }
    Duration deadline =
        limits.bodyDeadline(BodyLimit.of(ctx).orElseThrow().expectedBytes(ctx.request()));
    long timer = ctx.vertx().setTimer(deadline.toMillis(), id -> expire(ctx, deadline));
    ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
    ctx.next();
  }

  private static void expire(RoutingContext ctx, Duration deadline) {
    if (!ctx.request().isEnded() && !ctx.response().ended()) {
      ctx.fail(
          ApiException.of(
              REQUEST_TIMEOUT,
              "The request body did not arrive within " + deadline.toMillis() + " ms."));
    }
  }

  /** True if the request announces a body that has not been read yet. */
  static boolean bodyPending(HttpServerRequest request) {
    if (request.isEnded()) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || (length != null && !"0".equals(length.strip()));
  }
}
