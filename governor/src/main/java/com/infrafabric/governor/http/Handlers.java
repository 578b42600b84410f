package com.infrafabric.governor.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** How governor routes answer: JSON bodies, and every failure translated to the error shape. */
final class Handlers {

  private Handlers() {}

  /** Runs {@code handler}, turning a synchronous governor failure into its API error. */
  static Handler<RoutingContext> guarded(Handler<RoutingContext> handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (RuntimeException failure) {
        ctx.fail(GovernorErrors.translate(failure));
      }
    };
  }

  /** Answers {@code status} with the rendered result, or fails the request with its error. */
  static <T> void respond(
      RoutingContext ctx, int status, Future<T> result, Function<T, JsonObject> view) {
    result.onComplete(
        outcome -> {
          if (outcome.failed()) {
            ctx.fail(GovernorErrors.translate(outcome.cause()));
            return;
          }
          JsonObject body;
          try {
            body = view.apply(outcome.result());
          } catch (RuntimeException failure) {
            ctx.fail(GovernorErrors.translate(failure));
            return;
          }
          send(ctx, status, body);
        });
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
