package com.infrafabric.platform.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The latest finding on whether one master keeps what it is given ({@link
 * ServerGuarantees#refusal}), so that every script sent to it is refused at no cost while it was
 * last found to evict, forget or fail to replicate: an operator may change that at runtime ({@code
 * CONFIG SET maxmemory-policy allkeys-lru}, {@code appendonly no}, a replica detached), and
 * readiness alone reporting it did not stop requests from writing money there.
 *
 * <p>Only a check that read the master's {@code INFO} changes the finding. A check that failed (no
 * connection, no answer in time, a replica answering) says nothing about the master's settings, so
 * the finding stands: a master that does not answer fails the scripts sent to it by itself. Until
 * the first check answers a master is taken as fit (a service checks every master before it
 * serves).
 *
 * <p>Thread-safe. At most one check runs at a time: a caller that asks while one runs shares it.
 */
final class GuaranteeWatch {

  private final AtomicReference<Future<Optional<String>>> running = new AtomicReference<>();
  private volatile Optional<String> refusal = Optional.empty();

  /** Why nothing may be written to the master now, as last found; empty when it may. */
  Optional<String> refusal() {
    return refusal;
  }

  /**
   * The check that is running, or else a new one {@code check} starts; its finding is kept when it
   * succeeds, and it is what the returned future completes with, failure included.
   */
  Future<Optional<String>> check(Supplier<Future<Optional<String>>> check) {
    Promise<Optional<String>> started = Promise.promise();
    Future<Optional<String>> earlier = running.compareAndExchange(null, started.future());
    if (earlier != null) {
      return earlier;
    }
    // A check that throws instead of failing its future must still end, or none would run again.
    Future.<Void>succeededFuture()
        .compose(nothing -> check.get())
        .onComplete(
            done -> {
              if (done.succeeded()) {
                refusal = done.result();
              }
              running.set(null);
              started.handle(done);
            });
    return started.future();
  }
}
