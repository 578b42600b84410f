package com.infrafabric.platform.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How route handlers answer with JSON. A failure, whether of the operation, of building the view of
 * its result or of encoding that view, fails the request, so the service's {@link ErrorTranslator}
 * and the failure handler answer it in the one error shape and log it: nothing is lost in a
 * callback, and no request is left without an answer holding its connection and its in-flight slot.
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
    then(ctx, result, value -> send(ctx, status.apply(value), view.apply(value)));
  }

  /**
   * Runs {@code answer} with the result once {@code result} succeeds, or fails the request with its
   * failure. Whatever {@code answer} throws fails the request too, so a handler that decides its
   * answer itself (a status per outcome, a refusal as an error) can never leave it unanswered.
   */
  public static <T> void then(RoutingContext ctx, Future<T> result, Consumer<T> answer) {
    result.onComplete(
        outcome -> {
          if (outcome.failed()) {
            ctx.fail(outcome.cause());
            return;
          }
          try {
            answer.accept(outcome.result());
          } catch (RuntimeException failure) {
            ctx.fail(failure);
          }
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

  /**
   * Ends the response with {@code status} and {@code body} as {@code application/json}. A body that
   * cannot be encoded (nested deeper than the answer bound) fails the request instead, before
   * anything is written: the client gets the error answer, the server log the reason.
   */
  public static void send(RoutingContext ctx, int status, JsonObject body) {
    Buffer encoded;
    try {
      encoded = ResponseJson.encode(body);
    } catch (ResponseJson.NotRendered failure) {
      ctx.fail(failure);
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(encoded);
  }
}
