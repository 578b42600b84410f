package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.ModuleCaps;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where modules are built (scanned, parsed, validated, compiled): a fixed pool of {@code
 * buildThreads} with a queue of {@code buildQueue}, never an event loop or a shared worker. A build
 * that finds the pool and queue full is refused at once ({@link ErrorCode#MODULE_BUILD_OVERLOADED},
 * 503), never queued without bound.
 *
 * <p>On its thread a build first scans the bytes ({@link ModuleScan}), then reserves the heap the
 * scan estimates it needs from {@code buildMemoryBytes}: a module needing more than all of it is
 * refused ({@link ErrorCode#MODULE_TOO_LARGE}), one that does not fit beside the builds in progress
 * is refused as overload. Its caller hears back within {@code compileTimeout} of the build starting
 * ({@link ErrorCode#MODULE_NOT_COMPILABLE} past it, and the thread is interrupted); parsing and
 * compiling cannot be stopped mid-way, so the thread and the memory reservation are released only
 * when the work really ends, which the caps keep short. Every future completes, on the caller's
 * context; a build that throws fails it with what it threw. Thread-safe.
 */
public final class ModuleBuilds implements AutoCloseable {

  private final Vertx vertx;
  private final ModuleCaps caps;
  private final ThreadPoolExecutor threads;
  private final ScheduledExecutorService deadlines;
  private long reservedBytes;

  public ModuleBuilds(Vertx vertx, ModuleCaps caps) {
    this.vertx = vertx;
    this.caps = caps;
    AtomicInteger count = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            caps.buildThreads(),
            caps.buildThreads(),
            0,
            TimeUnit.MILLISECONDS,
            caps.buildQueue() == 0
                ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(caps.buildQueue()),
            task -> daemon(task, "chassis-module-build-" + count.incrementAndGet()));
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "chassis-module-build-deadline"));
  }

  /**
   * Scans {@code module}, then runs {@code build} on a build thread within the budgets; {@code
   * build} parses, validates and compiles (and scans again through the validator, which is cheap
   * and keeps the validator safe on its own).
   */
  public <T> Future<T> submit(byte[] module, Supplier<T> build) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    try {
      threads.execute(() -> run(module, build, promise, caller));
    } catch (RejectedExecutionException full) {
      return Future.failedFuture(
          overloaded(
              "the chassis is already building "
                  + (threads.getActiveCount() + threads.getQueue().size())
                  + " modules, its maximum"));
    }
    return promise.future();
  }

  /** Builds running or waiting for a thread. */
  public int pending() {
    return threads.getActiveCount() + threads.getQueue().size();
  }

  private <T> void run(byte[] module, Supplier<T> build, Promise<T> promise, Context caller) {
    Duration timeout = caps.compileTimeout();
    Deadline deadline = new Deadline(Thread.currentThread());
    ScheduledFuture<?> timer =
        deadlines.schedule(
            () -> {
              caller.runOnContext(ignored -> promise.tryFail(pastDeadline(timeout)));
              deadline.interrupt();
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      T built = withinBudget(module, build);
      caller.runOnContext(ignored -> promise.tryComplete(built));
    } catch (OutOfMemoryError exhausted) {
      caller.runOnContext(
          ignored ->
              promise.tryFail(
                  new LimitExceededException(
                      ErrorCode.MODULE_TOO_LARGE,
                      "building the module needed more memory than the host could give it")));
    } catch (RuntimeException | Error failure) {
      // An error escaping the pool thread would end it silently and leave the caller waiting
      // forever (the finally below cancels the deadline); the caller reports it instead.
      caller.runOnContext(ignored -> promise.tryFail(failure));
    } finally {
      timer.cancel(false);
      deadline.close();
    }
  }

  private <T> T withinBudget(byte[] module, Supplier<T> build) {
    long needed = ModuleScan.scan(module, caps).estimatedBuildBytes();
    reserve(needed);
    try {
      return build.get();
    } finally {
      release(needed);
    }
  }

  /** The thread of one build, interrupted at its deadline only while the build still runs. */
  private static final class Deadline {
    private final Thread thread;
    private boolean closed;

    Deadline(Thread thread) {
      this.thread = thread;
    }

    synchronized void interrupt() {
      if (!closed) {
        thread.interrupt();
      }
    }

    /** Ends the build; clears an interrupt it may have delivered, so the thread can be reused. */
    void close() {
      synchronized (this) {
        closed = true;
      }
      Thread.interrupted();
    }
  }

  private synchronized void reserve(long bytes) {
    if (bytes > caps.buildMemoryBytes()) {
      throw new LimitExceededException(
          ErrorCode.MODULE_TOO_LARGE,
          "building the module needs an estimated "
              + bytes
              + " bytes of memory, above the budget of "
              + caps.buildMemoryBytes());
    }
    if (reservedBytes + bytes > caps.buildMemoryBytes()) {
      throw overloaded(
          "the modules being built hold the build memory budget of "
              + caps.buildMemoryBytes()
              + " bytes");
    }
    reservedBytes += bytes;
  }

  private synchronized void release(long bytes) {
    reservedBytes -= bytes;
  }

  @Override
  public void close() {
    threads.shutdownNow();
    deadlines.shutdownNow();
  }

  private static LimitExceededException pastDeadline(Duration timeout) {
    return new LimitExceededException(
        ErrorCode.MODULE_NOT_COMPILABLE,
        "building the module took longer than " + timeout.toMillis() + " ms");
  }

  private static LimitExceededException overloaded(String why) {
    return new LimitExceededException(ErrorCode.MODULE_BUILD_OVERLOADED, why + "; retry shortly");
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
