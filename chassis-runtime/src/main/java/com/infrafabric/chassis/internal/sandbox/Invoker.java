package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.Memory;
import com.infrafabric.chassis.ExecutionReport;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.module.CompiledModule;
import com.infrafabric.chassis.internal.module.EntryPoint;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;

/**
 * Admits invocations and runs them on the guest threads. Admission reserves the invocation's memory
 * limit from the global budget and a place among threads plus queue, each within its tenant's
 * share; when one is full the invocation is rejected at once. Admitted invocations wait for a
 * thread in their tenant's turn ({@link FairDispatch}). The wall-clock deadline starts at
 * admission, so time spent waiting counts against it, and an invocation still waiting at its
 * deadline is answered {@code TIMEOUT} then. Thread-safe.
 */
public final class Invoker {

  private final Admission admission;
  private final FairDispatch dispatch;
  private final GuestRunner runner;
  private final Clock clock;

  /**
   * @param threads the guest threads
   * @param tenantSharePercent the share of the threads one tenant may run on at once (at least one)
   * @param watchdog the runner's watchdog, whose clock also answers invocations waiting too long
   */
  public Invoker(
      Admission admission,
      ThreadPoolExecutor threads,
      int tenantSharePercent,
      Watchdog watchdog,
      Clock clock) {
    this.admission = admission;
    int threadCount = threads.getMaximumPoolSize();
    this.dispatch =
        new FairDispatch(
            threads, threadCount, Admission.share(threadCount, tenantSharePercent), watchdog);
    this.runner = new GuestRunner(watchdog, clock);
    this.clock = clock;
  }

  /** What to run: the compiled module, how to enter it, and how to link its imports. */
  public record Prepared(
      CompiledModule compiled, EntryPoint entryPoint, Function<Invocation, LinkedImports> linker) {}

  /**
   * Admits and runs {@code invocation}; the future completes on the guest thread with the result (a
   * rejection is a result too).
   */
  public Future<InvocationResult> submit(Prepared tool, Invocation invocation, Instant start) {
    long memoryBytes = (long) invocation.limits().memoryMaxPages() * Memory.PAGE_SIZE;
    String tenant = invocation.context().tenant();
    Optional<String> refused = admission.tryAdmit(tenant, memoryBytes);
    if (refused.isPresent()) {
      return Future.succeededFuture(
          notRun(Outcome.REJECTED_OVERLOAD, refused.get(), start, invocation.input().length));
    }
    Promise<InvocationResult> promise = Promise.promise();
    Instant deadline = start.plus(invocation.limits().timeout());
    dispatch.submit(
        tenant,
        deadline,
        () -> {
          InvocationResult result;
          try {
            RunResult run =
                runner.run(tool.compiled(), tool.entryPoint(), invocation, tool.linker(), deadline);
            result = result(run, invocation, start);
          } catch (RuntimeException | Error failure) {
            admission.release(tenant, memoryBytes);
            promise.fail(failure);
            return;
          }
          // Released before completing, so a caller that sees the result sees the memory back.
          admission.release(tenant, memoryBytes);
          promise.complete(result);
        },
        () -> {
          admission.release(tenant, memoryBytes);
          promise.complete(
              notRun(
                  Outcome.TIMEOUT,
                  GuestRunner.QUEUED_PAST_DEADLINE,
                  start,
                  invocation.input().length));
        });
    return promise.future();
  }

  /** The result of an invocation turned away before any guest code ran. */
  public InvocationResult notRun(Outcome outcome, String message, Instant start, long bytesIn) {
    return new InvocationResult(
        outcome,
        "",
        message,
        ExecutionReport.notRun(Duration.between(start, clock.instant()), bytesIn),
        List.of());
  }

  public int admitted() {
    return admission.admitted();
  }

  public long reservedMemory() {
    return admission.reservedMemory();
  }

  /** Admitted invocations waiting for a guest thread. */
  public int queued() {
    return dispatch.waiting();
  }

  private InvocationResult result(RunResult run, Invocation invocation, Instant start) {
    byte[] output = invocation.output();
    Optional<String> wellFormed = StrictJson.wellFormedUtf8(output);
    String text = wellFormed.orElseGet(() -> new String(output, StandardCharsets.UTF_8));
    Outcome outcome = run.outcome();
    String message = run.message();
    if (outcome == Outcome.SUCCESS) {
      // Bytes that are not UTF-8 decode with replacement characters: the text would not be what
      // the tool wrote.
      JsonValues.Verdict verdict =
          wellFormed.isPresent() ? JsonValues.check(text) : JsonValues.Verdict.NOT_A_SINGLE_VALUE;
      if (verdict != JsonValues.Verdict.SINGLE_VALUE) {
        outcome = Outcome.INVALID_OUTPUT;
        message = JsonValues.problem("the tool's output", verdict);
      }
    }
    ExecutionReport report =
        new ExecutionReport(
            Duration.between(start, clock.instant()),
            run.cpuTime(),
            run.peakMemoryPages(),
            invocation.hostCalls(),
            invocation.input().length,
            output.length);
    return new InvocationResult(outcome, text, message, report, invocation.logs());
  }
}
