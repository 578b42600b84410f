package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.ExecutionReport;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.contract.ToolSchemas;
import com.infrafabric.chassis.internal.module.CompiledModule;
import com.infrafabric.chassis.internal.module.EntryPoint;
import com.infrafabric.llm.Cancellation;
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
import java.util.function.Supplier;

/**
 * Admits invocations and runs them on the guest threads. Admission reserves the invocation's host
 * footprint ({@link HostFootprint}: guest memory and what the host holds for it) from the global
 * budget and a place among threads plus queue, each within its tenant's share; when one is full the
 * invocation is rejected at once. Admitted invocations wait for a thread in their tenant's turn
 * ({@link FairDispatch}). The wall-clock deadline starts at admission, so time spent waiting counts
 * against it, and an invocation still waiting at its deadline is answered {@code TIMEOUT} then. One
 * its caller cancels is answered {@code CANCELLED} at once: if it still waits it never runs, if it
 * runs its guest is stopped, and either way its admitted place and memory are free the moment it is
 * answered. An expensive input check is admitted and dispatched the same way ({@link #checkInput}),
 * as is the output check after the guest: what a tenant's inputs and outputs cost is charged to its
 * share, not to a pool every tenant shares. Thread-safe.
 */
public final class Invoker {

  /** What an invocation that waited past its deadline, and so never ran, is told. */
  static final String QUEUED_PAST_DEADLINE = "the deadline passed while the invocation was queued";

  /** What an invocation its caller cancelled before it ran is told. */
  static final String CANCELLED_BEFORE_RUNNING =
      "the caller cancelled the invocation before it ran";

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
    this.runner = new GuestRunner(watchdog);
    this.clock = clock;
  }

  /**
   * What to run: the compiled module, how to enter it, how to link its imports, and the most heap
   * an invocation of it can make the host hold, which admission reserves.
   */
  public record Prepared(
      CompiledModule compiled,
      EntryPoint entryPoint,
      Function<Invocation, LinkedImports> linker,
      HostFootprint footprint) {}

  /**
   * Admits and runs {@code invocation}, then checks a successful output against {@code schemas} on
   * the same guest thread; the future completes on the guest thread with the result (a rejection is
   * a result too). The output check follows the guest at once, bounded by {@link
   * ToolSchemas#MAX_CHECKS}, and is charged to the tenant like the guest: it holds the same thread
   * and admission. {@code cancellation} drops it while it waits and stops its guest while it runs.
   */
  public Future<InvocationResult> submit(
      Prepared tool,
      ToolSchemas schemas,
      Invocation invocation,
      Instant start,
      Cancellation cancellation) {
    long memoryBytes = tool.footprint().reservedBytes(invocation.input().length);
    Instant deadline = start.plus(invocation.limits().timeout());
    return onGuestThread(
        invocation.context().tenant(),
        memoryBytes,
        new Deadline(start, deadline, invocation.input().length),
        cancellation,
        () -> {
          RunResult run =
              runner.run(
                  tool.compiled(),
                  tool.entryPoint(),
                  invocation,
                  tool.linker(),
                  deadline,
                  cancellation);
          return checkedOutput(result(run, invocation, start), schemas);
        },
        refusal -> refusal);
  }

  /**
   * Makes an invocation's input check on a guest thread, in its tenant's turn and under admission
   * like a guest: a tenant sending expensive inputs spends its own share of the threads and of the
   * admitted places (beyond it, refused at once), never a pool other tenants or the service's own
   * work share. A check still waiting at the invocation's deadline is answered {@code TIMEOUT} then
   * and never made; one still waiting when {@code cancellation} is cancelled, {@code CANCELLED} at
   * once (a check already made is not stopped: its cost is bounded).
   *
   * @param deadline the invocation's: its start, its deadline and its input size
   * @param check the check, returning what is wrong with the input, if anything
   * @return empty if the input passed, else the invocation's answer (invalid input, rejected, timed
   *     out); completes on a guest thread, or at once when refused
   */
  public Future<Optional<InvocationResult>> checkInput(
      String tenant,
      Deadline deadline,
      Cancellation cancellation,
      Supplier<Optional<String>> check) {
    return onGuestThread(
        tenant,
        0,
        deadline,
        cancellation,
        () ->
            check
                .get()
                .map(
                    problem ->
                        notRun(
                            Outcome.INVALID_INPUT, problem, deadline.start(), deadline.bytesIn())),
        Optional::of);
  }

  /**
   * When an invocation started, when its deadline passes and how many input bytes it brought: what
   * work done for it on a guest thread is bounded by and reports.
   */
  public record Deadline(Instant start, Instant at, long bytesIn) {}

  /**
   * Admits {@code work} for {@code tenant}, reserving {@code memoryBytes}, and runs it on a guest
   * thread in the tenant's turn before the deadline. Cancelled, refused or expired before it
   * starts, it never runs and the answer is {@code notRun} applied to a result saying why.
   */
  private <T> Future<T> onGuestThread(
      String tenant,
      long memoryBytes,
      Deadline deadline,
      Cancellation cancellation,
      Supplier<T> work,
      Function<InvocationResult, T> notRun) {
    if (cancellation.cancelled()) {
      return Future.succeededFuture(notRun.apply(cancelledBeforeRunning(deadline)));
    }
    Optional<String> refused = admission.tryAdmit(tenant, memoryBytes);
    if (refused.isPresent()) {
      return Future.succeededFuture(
          notRun.apply(notRun(Outcome.REJECTED_OVERLOAD, refused.get(), deadline)));
    }
    Promise<T> promise = Promise.promise();
    dispatch.submit(
        tenant,
        deadline.at(),
        cancellation,
        () -> {
          T result;
          try {
            result = startedLate(deadline, cancellation).map(notRun).orElseGet(work);
          } catch (RuntimeException | Error failure) {
            admission.release(tenant, memoryBytes);
            promise.fail(failure);
            return;
          }
          // Released before completing, so a caller that sees the result sees the memory back.
          admission.release(tenant, memoryBytes);
          promise.complete(result);
        },
        dropped -> {
          admission.release(tenant, memoryBytes);
          promise.complete(
              notRun.apply(
                  dropped == Outcome.CANCELLED
                      ? cancelledBeforeRunning(deadline)
                      : queuedPastDeadline(deadline)));
        });
    return promise.future();
  }

  /**
   * The answer to work the dispatcher handed out after all whose deadline passed, or that was
   * cancelled, while it was being taken; empty if it may run.
   */
  private Optional<InvocationResult> startedLate(Deadline deadline, Cancellation cancellation) {
    if (!clock.instant().isBefore(deadline.at())) {
      return Optional.of(queuedPastDeadline(deadline));
    }
    return cancellation.cancelled()
        ? Optional.of(cancelledBeforeRunning(deadline))
        : Optional.empty();
  }

  private InvocationResult queuedPastDeadline(Deadline deadline) {
    return notRun(Outcome.TIMEOUT, QUEUED_PAST_DEADLINE, deadline);
  }

  private InvocationResult cancelledBeforeRunning(Deadline deadline) {
    return notRun(Outcome.CANCELLED, CANCELLED_BEFORE_RUNNING, deadline);
  }

  private InvocationResult notRun(Outcome outcome, String message, Deadline deadline) {
    return notRun(outcome, message, deadline.start(), deadline.bytesIn());
  }

  /** A successful result whose output breaks the contract's output schema is INVALID_OUTPUT. */
  private static InvocationResult checkedOutput(InvocationResult result, ToolSchemas schemas) {
    if (result.outcome() != Outcome.SUCCESS) {
      return result;
    }
    return schemas
        .output(result.output())
        .problem()
        .map(
            why ->
                new InvocationResult(
                    Outcome.INVALID_OUTPUT, result.output(), why, result.report(), result.logs()))
        .orElse(result);
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
            true,
            Duration.between(start, clock.instant()),
            run.cpuTime(),
            run.peakMemoryPages(),
            invocation.hostCalls(),
            invocation.input().length,
            output.length);
    return new InvocationResult(outcome, text, message, report, invocation.logs());
  }
}
