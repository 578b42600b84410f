package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.sandbox.GuestHalt;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;

/**
 * Waits on the guest's own thread for an asynchronous host operation. The wait is interruptible, so
 * the watchdog can stop a guest blocked in a host call; the operation's own timeout (Redis command
 * deadline, HTTP timeouts) bounds it otherwise.
 */
final class Blocking {

  private Blocking() {}

  /**
   * The future's result.
   *
   * @throws GuestHalt if the guest thread is interrupted (the watchdog stopped it)
   * @throws RuntimeException the future's own failure, unwrapped
   */
  static <T> T await(Future<T> future) {
    return await(future, () -> {});
  }

  /**
   * The future's result; if the guest thread is interrupted first, runs {@code onStop} (to cancel
   * the operation) before stopping the guest.
   */
  static <T> T await(Future<T> future, Runnable onStop) {
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      onStop.run();
      Thread.currentThread().interrupt();
      throw new GuestHalt(Outcome.TIMEOUT, "the tool was stopped while waiting for the host");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException("host operation failed", e.getCause());
    }
  }
}
