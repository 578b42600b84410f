package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.platform.limit.TenantSlots;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
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
 * buildThreads}, never an event loop or a shared worker. Its {@code buildThreads + buildQueue}
 * places (running or waiting) are shared between the builds' owners ({@link BuildOwner}: the tenant
 * whose invocation needs a module, or the publishers) by {@link TenantSlots}: one owner holds at
 * most half of them, and on a full pool an owner under its fair share is still admitted, up to
 * twice the places, so one tenant cycling heavy tools through the compiled cache cannot keep other
 * tenants' cold tools or a publication from being built. A build refused a place is refused at once
 * ({@link ErrorCode#MODULE_BUILD_OVERLOADED}, 503; 429 for an invocation), never queued without
 * bound.
 *
 * <p>On its thread a build first scans the bytes ({@link ModuleScan}), then reserves the heap the
 * scan estimates it needs from {@code buildMemoryBytes}: a module needing more than all of it is
 * refused ({@link ErrorCode#MODULE_TOO_LARGE}), one that does not fit beside the builds in progress
 * is refused as overload. Its caller hears back within {@code compileTimeout} of submitting it,
 * time in the queue included: a build that has not started by then leaves the queue and is answered
 * {@link ErrorCode#MODULE_BUILD_OVERLOADED} (503), never run later; one still running is
 * interrupted and answered {@link ErrorCode#MODULE_NOT_COMPILABLE} (or overload, if it spent most
 * of its deadline waiting). Parsing and compiling cannot be stopped mid-way, so the thread and the
 * memory reservation are released only when the work really ends, which the caps keep short; what
 * such a build produces is dropped, since its caller was answered. Every future completes, on the
 * caller's context; a build that throws fails it with what it threw. Thread-safe.
 */
public final class ModuleBuilds implements AutoCloseable {

  private final Vertx vertx;
  private final ModuleCaps caps;
  private final ThreadPoolExecutor threads;
  private final TenantSlots places;
  private final ScheduledExecutorService deadlines;
  private long reservedBytes;

  public ModuleBuilds(Vertx vertx, ModuleCaps caps) {
    this.vertx = vertx;
    this.caps = caps;
    AtomicInteger count = new AtomicInteger();
    this.places = new TenantSlots(caps.buildThreads() + caps.buildQueue());
    // The places admit up to twice their bound; the queue carries all but the running ones.
    int waiting = 2 * places.bound() - caps.buildThreads();
    this.threads =
        new ThreadPoolExecutor(
            caps.buildThreads(),
            caps.buildThreads(),
            0,
            TimeUnit.MILLISECONDS,
            waiting == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(waiting),
            task -> daemon(task, "chassis-module-build-" + count.incrementAndGet()));
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "chassis-module-build-deadline"));
  }

  /**
   * Scans {@code module}, then runs {@code build} on a build thread within the budgets; {@code
   * build} parses, validates and compiles (and scans again through the validator, which is cheap
   * and keeps the validator safe on its own). The future completes within {@code compileTimeout} of
   * this call whatever happens; a build it was answered for before it finished, or before it
   * started, has no other effect on its caller (the future's value is never delivered late). The
   * build holds one of {@code owner}'s places from this call until its work ends (or it leaves the
   * queue unstarted); without a place it is refused at once.
   */
  public <T> Future<T> submit(BuildOwner owner, byte[] module, Supplier<T> build) {
    Optional<String> refused = refusal(owner, places.take(owner.key()));
    if (refused.isPresent()) {
      return Future.failedFuture(overloaded(refused.get()));
    }
    Build<T> job = new Build<>(owner, module, build, vertx.getOrCreateContext());
    try {
      threads.execute(job);
    } catch (RejectedExecutionException closed) {
      places.release(owner.key());
      return Future.failedFuture(overloaded("the chassis is shutting down"));
    }
    job.timer =
        deadlines.schedule(job::expire, caps.compileTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return job.promise.future();
  }

  private Optional<String> refusal(BuildOwner owner, TenantSlots.Decision decision) {
    if (decision == TenantSlots.Decision.TENANT_SHARE) {
      return Optional.of(
          owner.name()
              + " is already building "
              + places.tenantShare()
              + " modules, its share of the "
              + places.bound()
              + " build places");
    }
    if (decision == TenantSlots.Decision.FULL) {
      return Optional.of(
          "the chassis is already building "
              + places.held()
              + " modules, its "
              + places.bound()
              + " build places and what "
              + owner.name()
              + " may hold beyond them");
    }
    return Optional.empty();
  }

  /** Builds running or waiting for a thread. */
  public int pending() {
    return threads.getActiveCount() + threads.getQueue().size();
  }

  /**
   * One build, from its submission to its answer. Its deadline counts from submission, so time in
   * the queue is part of it: a build still queued at its deadline leaves the queue unstarted and is
   * answered as overload (503); one still running is interrupted and answered as not compilable if
   * it ran for at least as long as it waited (the module took the time), as overload otherwise (the
   * node did). Whichever answer comes first is the only one.
   */
  private final class Build<T> implements Runnable {
    private final BuildOwner owner;
    private final byte[] module;
    private final Supplier<T> build;
    private final Context caller;
    private final Promise<T> promise = Promise.promise();
    private final long submittedAt = System.nanoTime();
    private volatile ScheduledFuture<?> timer;
    private State state = State.QUEUED;
    private Thread thread;
    private long startedAt;

    Build(BuildOwner owner, byte[] module, Supplier<T> build, Context caller) {
      this.owner = owner;
      this.module = module;
      this.build = build;
      this.caller = caller;
    }

    @Override
    public void run() {
      if (!start()) {
        return;
      }
      T built = null;
      Throwable failure = null;
      try {
        built = withinBudget(module, build);
      } catch (OutOfMemoryError exhausted) {
        failure =
            new LimitExceededException(
                ErrorCode.MODULE_TOO_LARGE,
                "building the module needed more memory than the host could give it");
      } catch (RuntimeException | Error thrown) {
        // An error escaping the pool thread would end it silently and leave the caller waiting
        // until the deadline; the caller hears what was thrown instead.
        failure = thrown;
      }
      // Ended before answering, so a caller that hears back has its build place back.
      finish();
      if (failure == null) {
        answer(built);
      } else {
        fail(failure);
      }
    }

    private synchronized boolean start() {
      if (state != State.QUEUED) {
        return false;
      }
      state = State.RUNNING;
      thread = Thread.currentThread();
      startedAt = System.nanoTime();
      return true;
    }

    /** Ends the build; clears an interrupt the deadline may have delivered, for the next build. */
    private void finish() {
      ScheduledFuture<?> deadline = timer;
      if (deadline != null) {
        deadline.cancel(false);
      }
      synchronized (this) {
        state = State.DONE;
      }
      places.release(owner.key());
      Thread.interrupted();
    }

    void expire() {
      LimitExceededException answer;
      synchronized (this) {
        long now = System.nanoTime();
        switch (state) {
          case QUEUED -> {
            state = State.DONE;
            threads.remove(this);
            places.release(owner.key());
            answer = waitedTooLong(now - submittedAt);
          }
          case RUNNING -> {
            thread.interrupt();
            answer =
                now - startedAt >= startedAt - submittedAt
                    ? pastDeadline(caps.compileTimeout())
                    : waitedTooLong(startedAt - submittedAt);
          }
          default -> {
            return;
          }
        }
      }
      fail(answer);
    }

    private void answer(T built) {
      caller.runOnContext(ignored -> promise.tryComplete(built));
    }

    private void fail(Throwable failure) {
      caller.runOnContext(ignored -> promise.tryFail(failure));
    }

    private LimitExceededException waitedTooLong(long waitedNanos) {
      return overloaded(
          "the module waited "
              + TimeUnit.NANOSECONDS.toMillis(waitedNanos)
              + " ms for a build thread and could not be built within the "
              + caps.compileTimeout().toMillis()
              + " ms deadline");
    }
  }

  private enum State {
    QUEUED,
    RUNNING,
    DONE
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
