package com.infrafabric.platform.redis;

import com.infrafabric.platform.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Event-loop contexts to call a store from, as a service's request handlers call it. */
final class EventLoops {

  private EventLoops() {}

  /**
   * {@code count} contexts of {@code vertx}, each on an event loop of its own (as the verticle
   * instances of one deployment are, round robin over the loops): give {@code vertx} at least that
   * many loops.
   */
  static List<Context> distinct(Vertx vertx, int count) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    Await.result(
        vertx.deployVerticle(
            () ->
                (Deployable)
                    context -> {
                      contexts.add(context);
                      return Future.succeededFuture();
                    },
            new DeploymentOptions().setInstances(count)));
    List<Thread> threads =
        contexts.stream().map(context -> Await.result(on(context, EventLoops::thread))).toList();
    if (threads.stream().distinct().count() != count) {
      throw new AssertionError("the contexts share event loops: " + threads);
    }
    return List.copyOf(contexts);
  }

  /** Calls {@code command} on {@code context}; the future completes with what it returned. */
  static <T> Future<T> on(Context context, Supplier<Future<T>> command) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(ignored -> command.get().onComplete(promise));
    return promise.future();
  }

  private static Future<Thread> thread() {
    return Future.succeededFuture(Thread.currentThread());
  }
}
