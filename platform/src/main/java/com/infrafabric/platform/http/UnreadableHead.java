package com.infrafabric.platform.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Refuses a request whose head the HTTP decoder could not read: header fields past the bound (431
 * {@code HEADERS_TOO_LARGE}), a request line past {@link RequestTarget#MAX_LINE_BYTES} (414 {@code
 * URI_TOO_LONG}; the decoder dropped it unread, path included), or anything else it could not parse
 * (400 {@code MALFORMED_REQUEST}). The server hands such a request to the router like any other, so
 * it is accounted for as every request is ({@link RequestAccounting}); its answer always ends the
 * connection, as what follows on it cannot be read as a request.
 */
final class UnreadableHead {

  private UnreadableHead() {}

  /** The router's step: fails {@code ctx} with the refusal if its head could not be read. */
  static void refuse(RoutingContext ctx) {
    of(ctx.request()).ifPresentOrElse(ctx::fail, ctx::next);
  }

  /** The refusal of {@code request}, empty if its head was read. */
  static Optional<ApiException> of(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isSuccess()) {
      return Optional.empty();
    }
    if (result.cause() instanceof TooLongHttpHeaderException) {
      return Optional.of(
          ApiException.of(
              ErrorCode.HEADERS_TOO_LARGE, "The request's header fields are too large."));
    }
    if (result.cause() instanceof TooLongHttpLineException) {
      return Optional.of(ApiException.of(ErrorCode.URI_TOO_LONG, "The request line is too long."));
    }
    return Optional.of(
        ApiException.of(ErrorCode.MALFORMED_REQUEST, "The request's head is malformed."));
  }
}
