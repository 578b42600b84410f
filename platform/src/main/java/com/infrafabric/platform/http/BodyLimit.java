package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A route's body limits, the first step of reading its body: a request announcing a longer body is
 * answered 413 {@code PAYLOAD_TOO_LARGE} before a byte of it is read, and the limit is what every
 * later step sizes the body by ({@link #expectedBytes}): its deadline, its share of the node's body
 * bytes, and the reader that cuts a chunked body at it. It also holds how many JSON values the
 * route reads of a body ({@link Requests#jsonValueLimit}). One per route.
 */
final class BodyLimit implements Handler<RoutingContext> {

  private static final String KEY = "infrafabric.bodyLimit";

  private final long maxBytes;
  private final int maxJsonValues;

  /**
   * @param maxBytes the longest body the route takes
   * @param maxJsonValues the most values its JSON body may hold ({@link StrictJson})
   */
  BodyLimit(long maxBytes, int maxJsonValues) {
    HttpSettings.requireBodyLimit("a route's body limit", maxBytes);
    this.maxBytes = maxBytes;
    this.maxJsonValues = maxJsonValues;
  }

  long maxBytes() {
    return maxBytes;
  }

  int maxJsonValues() {
    return maxJsonValues;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, this);
    if (BodyDeadline.bodyPending(ctx.request())
        && contentLength(ctx.request()).orElse(0) > maxBytes) {
      ctx.fail(tooLarge());
      return;
    }
    ctx.next();
  }

  /**
   * The bytes the request's body will take at most: its {@code Content-Length}, or the limit for a
   * chunked body, which the reader cuts there. Only for a request this step let through.
   */
  long expectedBytes(HttpServerRequest request) {
    return Math.min(contentLength(request).orElse(maxBytes), maxBytes);
  }

  /** The refusal of a body over the limit, whether announced or found while reading it. */
  ApiException tooLarge() {
    return ApiException.of(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "The request body exceeds this route's limit of " + maxBytes + " bytes.");
  }

  /** The limit of the route that handles {@code ctx}, once its body step has run. */
  static Optional<BodyLimit> of(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(KEY));
  }

  /** The {@code Content-Length}; empty for a chunked body. */
  private static OptionalLong contentLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length == null
        ? OptionalLong.empty()
        : OptionalLong.of(
            Fields.decimal(
                HttpHeaders.CONTENT_LENGTH.toString(), length.strip(), 0, Long.MAX_VALUE));
  }
}
