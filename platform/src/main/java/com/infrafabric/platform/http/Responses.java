package com.infrafabric.platform.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How route handlers answer with JSON. A failure, whether of the operation or of rendering its
 * result, fails the request, so the service's {@link ErrorTranslator} and the failure handler
 * render it in the one error shape; nothing is lost in a callback.
 */
public final class Responses {

  private Responses() {}

  /** Answers {@code status} with the rendered result once {@code result} completes. */
  public static <T> void respond(
      RoutingContext ctx, int status, Future<T> result, Function<T, JsonObject> view) {
    respond(ctx, result, ignored -> status, view);
  }

  /** Answers with the status and the body the result decides, once {@code result} completes. */
  public static <T> void respond(
      RoutingContext ctx,
      Future<T> result,
      Function<T, Integer> status,
      Function<T, JsonObject> view) {
    result.onComplete(
        outcome -> {
          if (outcome.failed()) {
            ctx.fail(outcome.cause());
            return;
          }
          JsonObject body;
          try {
            body = view.apply(outcome.result());
          } catch (RuntimeException failure) {
            ctx.fail(failure);
            return;
          }
          send(ctx, status.apply(outcome.result()), body);
        });
  }

  /**
   * Answers a delete: 204 when {@code deleted} says something was removed, the failure {@code
   * notFound} makes (a 404 of the service's own) when there was nothing to remove.
   */
  public static void deleted(
      RoutingContext ctx, Future<Boolean> deleted, Supplier<? extends Throwable> notFound) {
    deleted.onComplete(
        outcome -> {
          if (outcome.failed()) {
            ctx.fail(outcome.cause());
          } else if (!outcome.result()) {
            ctx.fail(notFound.get());
          } else {
            ctx.response().setStatusCode(204).end();
          }
        });
  }

  /** Ends the response with {@code status} and {@code body} as {@code application/json}. */
  public static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
