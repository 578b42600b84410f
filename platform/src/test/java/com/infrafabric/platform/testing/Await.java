package com.infrafabric.platform.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Vert.x future from a test thread, rethrowing its failure as it is. */
public final class Await {

  private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  private Await() {}

  /** The future's result, or its failure unwrapped; fails the test after 30 s. */
  public static <T> T result(Future<T> future) {
    return result(future, DEFAULT_DEADLINE);
  }

  /**
   * Retries {@code attempt} until its future succeeds, for up to 30 s: a fresh client's first
   * connection can take seconds on a loaded machine (class loading, TLS, the handshake), longer
   * than the short command timeouts tests use on purpose.
   */
  public static <T> T eventually(java.util.function.Supplier<Future<T>> attempt) {
    long deadline = System.nanoTime() + DEFAULT_DEADLINE.toNanos();
    while (true) {
      try {
        return result(attempt.get());
      } catch (RuntimeException | AssertionError failure) {
        if (System.nanoTime() > deadline) {
          throw failure;
        }
      }
    }
  }

  public static <T> T result(Future<T> future, Duration deadline) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError("future failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + deadline, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
