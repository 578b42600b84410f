package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Refuses, before anything else reads a request, what would make the server and a client or proxy
 * read it differently:
 *
 * <ul>
 *   <li>a {@code Transfer-Encoding} other than exactly {@code chunked}: the codec would read no
 *       body, and the bytes sent as one would be read as the next request on the connection (RFC
 *       9112 section 6.3 says answer 400 and close), so the answer closes it;
 *   <li>a {@code Content-Encoding} other than {@code identity}: bodies are read as sent, and a
 *       compressed one would be read as what it is not (415);
 *   <li>a header the services read once sent more than once ({@link #SINGLE}): which one counts
 *       would be a guess (400);
 *   <li>a body whose framing the codec cannot read (a chunk size that is not hex, say), whenever
 *       that shows while the request is held or read ({@link #watchBody}): 400, and the connection
 *       closed, since what follows on it cannot be read as a request.
 * </ul>
 */
final class RequestFraming implements Handler<RoutingContext> {

  /**
   * Headers a request may carry at most once: every header some service reads one value of (the
   * chassis's grant, MCP's protocol version, Anthropic's API version included). Credentials
   * (Authorization, x-api-key) are the authenticator's to refuse, as ambiguous (401).
   */
  static final List<String> SINGLE =
      List.of(
          "Content-Type",
          "Content-Encoding",
          "Transfer-Encoding",
          Requests.IDEMPOTENCY_KEY,
          Requests.ACTING_TENANT,
          "If-Match",
          "Mcp-Session-Id",
          "MCP-Protocol-Version",
          "X-InfraFabric-Grant",
          "anthropic-version");

  private final BiConsumer<RoutingContext, ApiException> closeWith;

  /**
   * @param closeWith answers a request with an error and closes its connection
   */
  RequestFraming(BiConsumer<RoutingContext, ApiException> closeWith) {
    this.closeWith = closeWith;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      watchBody(ctx);
    }
    List<String> transfer = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
    if (!transfer.isEmpty() && !(transfer.size() == 1 && isChunked(transfer.get(0)))) {
      closeWith.accept(
          ctx,
          ApiException.of(
              ErrorCode.MALFORMED_REQUEST,
              "Transfer-Encoding must be chunked, alone: the body cannot be framed otherwise."));
      return;
    }
    for (String name : SINGLE) {
      if (request.headers().getAll(name).size() > 1) {
        ctx.fail(
            ApiException.of(
                ErrorCode.MALFORMED_REQUEST,
                "A header the request may carry once is sent more than once.",
                Map.of("header", name)));
        return;
      }
    }
    String coding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (coding != null && !coding.strip().equalsIgnoreCase("identity")) {
      ctx.fail(
          ApiException.of(
              ErrorCode.UNSUPPORTED_MEDIA_TYPE,
              "Request bodies are read as sent: send it without a Content-Encoding."));
      return;
    }
    ctx.next();
  }

  /**
   * Answers a failure to read {@code ctx}'s body with 400, whichever step holds the request then;
   * the body reader, which sets a handler of its own, sets this one again after it. The client
   * going away, or a failure once the answer has begun, is not answered.
   */
  void watchBody(RoutingContext ctx) {
    ctx.request()
        .exceptionHandler(
            failure -> {
              if (failure instanceof IOException
                  || failure instanceof HttpClosedException
                  || ctx.response().headWritten()) {
                return;
              }
              closeWith.accept(
                  ctx,
                  ApiException.of(
                      ErrorCode.MALFORMED_REQUEST,
                      "The request's body could not be read: its chunked framing is malformed."));
            });
  }

  private static boolean isChunked(String value) {
    return value.strip().equalsIgnoreCase("chunked");
  }
}
