package com.infrafabric.platform.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** Writes an {@link ApiException} as the one JSON error shape every route answers with. */
final class ErrorResponses {

  private ErrorResponses() {}

  /**
   * Ends the response with {@code error}; the request id is always part of the details so a client
   * can quote it. Does nothing if the response head is already written (the connection is reset by
   * the caller then, since a half-sent body cannot be repaired).
   */
  static void send(RoutingContext ctx, ApiException error) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      return;
    }
    JsonObject details = new JsonObject();
    error.details().forEach(details::put);
    details.put("requestId", Requests.requestId(ctx));
    JsonObject body =
        new JsonObject()
            .put("code", error.code().code())
            .put("message", error.getMessage())
            .put("details", details);
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    error
        .retryAfter()
        .ifPresent(wait -> response.putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds(wait)));
    if (error.code().equals(ErrorCode.UNAUTHENTICATED)) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(body.encode());
  }

  /** Whole seconds, rounded up, at least 1: a client that waits that long will not be early. */
  static String retryAfterSeconds(Duration wait) {
    long millis = Math.max(1, wait.toMillis());
    return Long.toString((millis + 999) / 1000);
  }
}
