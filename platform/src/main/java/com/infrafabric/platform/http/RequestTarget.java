package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose target (its path and query, as sent) is longer than {@link #MAX_CHARS}
 * with 414 {@code URI_TOO_LONG}. The bound is kept here rather than left to the HTTP decoder,
 * because a request line the decoder refuses is dropped unread, path and all: its answer could not
 * be in the dialect of its path ({@link DialectsByPath}). The decoder reads lines up to {@link
 * #MAX_LINE_BYTES}, far past the bound, so only a line longer than that is refused unread.
 */
final class RequestTarget implements Handler<RoutingContext> {

  /**
   * The longest request target served, in characters: the HTTP decoder's own default line bound.
   */
  static final int MAX_CHARS = 4096;

  /**
   * The longest request line the HTTP decoder reads, in bytes. It bounds what one connection's
   * request line holds in memory (64 KiB, a few times the header bound), not what is served.
   */
  static final int MAX_LINE_BYTES = 64 * 1024;

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().uri().length() > MAX_CHARS) {
      ctx.fail(
          ApiException.of(
              ErrorCode.URI_TOO_LONG,
              "The request target (path and query) is longer than " + MAX_CHARS + " characters."));
      return;
    }
    ctx.next();
  }
}
