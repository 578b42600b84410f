package com.infrafabric.platform.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an {@link ApiException} as the JSON error answer of the route's {@link WireDialect}: the
 * platform's one shape, or a foreign protocol's.
 */
final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /**
   * Ends the response with {@code error}; the request id is always part of the details so a client
   * can quote it. Does nothing if the response head is already written (the connection is reset by
   * the caller then, since a half-sent body cannot be repaired). A refusal of the caller's
   * credential carries its challenge ({@link BearerChallenge}), naming {@code metadataUrl} if there
   * is one.
   *
   * @param endsConnection closes the connection with the answer ({@link #sendAndClose}); otherwise
   *     it carries the next request, unless a body the answer came before forbids it
   */
  static void send(
      RoutingContext ctx,
      ApiException error,
      Optional<String> metadataUrl,
      WireDialect.Errors dialect,
      boolean endsConnection) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      return;
    }
    BearerChallenge.of(error, metadataUrl)
        .ifPresent(challenge -> response.putHeader("WWW-Authenticate", challenge));
    if (endsConnection) {
      sendAndClose(ctx.request(), error, Requests.requestId(ctx), dialect);
      return;
    }
    Buffer body = head(response, error, Requests.requestId(ctx), dialect);
    PendingBody pending = PendingBody.of(ctx, error);
    if (pending == PendingBody.CLOSE) {
      // Answered before the body was read: the connection cannot carry another request.
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.end(body).onComplete(sent -> pending.settle(ctx));
  }

  /**
   * Answers {@code request} with {@code error} under {@code requestId}, then closes the connection:
   * for a request whose framing leaves the rest of the connection unreadable, or whose refusal ends
   * its connection ({@link RequestAccounting#endsConnection}).
   */
  static void sendAndClose(
      HttpServerRequest request, ApiException error, String requestId, WireDialect.Errors dialect) {
    HttpServerResponse response = request.response();
    response.putHeader(RequestId.HEADER, requestId);
    Buffer body = head(response, error, requestId, dialect);
    response.putHeader(HttpHeaders.CONNECTION, "close");
    // Closed in the same step, not once the answer is sent: a request pipelined behind this one
    // (its body, read as the next request) must not be served meanwhile.
    response.end(body);
    ConnectionGuard.closeNow(request.connection());
  }

  /** Sets the status and the headers every error answer has; returns its body. */
  private static Buffer head(
      HttpServerResponse response,
      ApiException error,
      String requestId,
      WireDialect.Errors dialect) {
    WireDialect.Rendered rendered = dialect.render(error, requestId);
    response
        .setStatusCode(rendered.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    rendered.headers().forEach(response::putHeader);
    if (dialect != WireDialect.PLATFORM.errors()) {
      response.putHeader(WireDialect.ERROR_CODE_HEADER, error.code().code());
    }
    error
        .retryAfter()
        .ifPresent(
            wait -> response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait.toSeconds())));
    return encode(rendered.body(), error, requestId);
  }

  /**
   * What happens to a request body the answer came before: none to read, a small one read and
   * dropped so the connection carries the next request, or the connection closed.
   */
  private enum PendingBody {
    /** No body is pending: the held request's end is let through, the connection reads on. */
    NONE,
    /**
     * Shedding an authenticated caller (an answer with {@code Retry-After}) whose body is small and
     * announced: reading and dropping it is cheaper than the new connection the retry would need,
     * so shedding costs no connection. A body that has not ended within {@link #DRAIN_DEADLINE}
     * closes the connection after all.
     */
    DRAIN,
    /** Anything else: the connection is closed rather than read from. */
    CLOSE;

    static final long DRAIN_LIMIT_BYTES = 16 * 1024;
    static final Duration DRAIN_DEADLINE = Duration.ofSeconds(1);

    static PendingBody of(RoutingContext ctx, ApiException error) {
      HttpServerRequest request = ctx.request();
      if (!BodyDeadline.bodyPending(request)) {
        return NONE;
      }
      boolean shed = error.retryAfter().isPresent() && ctx.get(Requests.PRINCIPAL) != null;
      return shed && smallAndAnnounced(request) ? DRAIN : CLOSE;
    }

    /** A Content-Length within the drain limit and no chunked body whose end is unknown. */
    private static boolean smallAndAnnounced(HttpServerRequest request) {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length == null || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
        return false;
      }
      try {
        long bytes = Long.parseLong(length.strip());
        return bytes > 0 && bytes <= DRAIN_LIMIT_BYTES;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    void settle(RoutingContext ctx) {
      HttpServerRequest request = ctx.request();
      switch (this) {
        case NONE -> request.resume();
        case CLOSE -> ConnectionGuard.closeNow(request.connection());
        case DRAIN -> {
          long timer =
              ctx.vertx()
                  .setTimer(
                      DRAIN_DEADLINE.toMillis(),
                      id -> ConnectionGuard.closeNow(request.connection()));
          request.handler(chunk -> {}).endHandler(end -> ctx.vertx().cancelTimer(timer));
          request.resume();
        }
      }
    }
  }

  /**
   * The error body; one whose details cannot be encoded is answered with the code, the message and
   * the request id only, never not at all.
   */
  private static Buffer encode(JsonObject body, ApiException error, String requestId) {
    try {
      return ResponseJson.encode(body);
    } catch (ResponseJson.NotRendered unencodable) {
      LOG.error("error {} has details that cannot be encoded", error.code().code(), unencodable);
      return ResponseJson.encode(
          new JsonObject()
              .put("code", error.code().code())
              .put("message", error.getMessage())
              .put("details", new JsonObject().put("requestId", requestId)));
    }
  }
}
