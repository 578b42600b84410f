package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.llm.Cancellation;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Input checks are admitted and dispatched like guests: in their tenant's share and deadline. */
@Timeout(30)
class InvokerTest {

  private final Watchdog watchdog = new Watchdog(Clock.systemUTC(), Duration.ofMillis(5));
  private final ThreadPoolExecutor threads = GuestThreads.create(2, 1 << 20, Duration.ZERO);

  /** Two threads, one a tenant; six admitted places, three a tenant. */
  private final Invoker invoker =
      new Invoker(new Admission(2, 4, 1L << 30, 50), threads, 50, watchdog, Clock.systemUTC());

  private final CountDownLatch expensiveMayEnd = new CountDownLatch(1);
  private final AtomicInteger expensiveStarted = new AtomicInteger();

  @AfterEach
  void stop() {
    expensiveMayEnd.countDown();
    threads.shutdownNow();
    watchdog.close();
  }

  /**
   * Regression: schema checks ran on the worker pool every tenant (and the governor's grant
   * signing) shares, before admission: 64 expensive inputs of one tenant kept another tenant's call
   * waiting 42 s, and every one of them was checked though nobody waited for the answer any more.
   */
  @Test
  void regressionOneTenantsExpensiveInputChecksSpendItsShareWhileAnotherTenantIsServedAtOnce() {
    List<Future<Optional<InvocationResult>>> acme = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      acme.add(
          invoker.checkInput(
              "acme", deadlineIn(Duration.ofSeconds(20)), new Cancellation(), expensive()));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> expensiveStarted.get() == 1);

    AtomicBoolean beyondShareRan = new AtomicBoolean();
    Future<Optional<InvocationResult>> beyondShare =
        invoker.checkInput(
            "acme",
            deadlineIn(Duration.ofSeconds(20)),
            new Cancellation(),
            recording(beyondShareRan, Optional.empty()));
    assertThat(beyondShare.isComplete()).isTrue();
    assertThat(beyondShare.result())
        .get()
        .extracting(InvocationResult::outcome)
        .isEqualTo(Outcome.REJECTED_OVERLOAD);

    Future<Optional<InvocationResult>> beta =
        invoker.checkInput(
            "beta", deadlineIn(Duration.ofSeconds(20)), new Cancellation(), Optional::empty);
    Future<Optional<InvocationResult>> betaInvalid =
        invoker.checkInput(
            "beta",
            deadlineIn(Duration.ofSeconds(20)),
            new Cancellation(),
            () -> Optional.of("the input is wrong"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> beta.isComplete() && betaInvalid.isComplete());
    assertThat(beta.result()).isEmpty();
    assertThat(betaInvalid.result())
        .get()
        .satisfies(
            answer -> {
              assertThat(answer.outcome()).isEqualTo(Outcome.INVALID_INPUT);
              assertThat(answer.message()).isEqualTo("the input is wrong");
            });
    assertThat(expensiveStarted).hasValue(1);

    expensiveMayEnd.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> acme.stream().allMatch(Future::isComplete));
    assertThat(acme).allSatisfy(check -> assertThat(check.result()).isEmpty());
    assertThat(beyondShareRan).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> invoker.admitted() == 0);
  }

  /**
   * Regression: an expensive check queued on the shared pool ran whenever a thread came free, long
   * after its invocation's deadline, spending CPU on an answer nobody would read.
   */
  @Test
  void regressionAnInputCheckStillWaitingAtItsDeadlineIsAnsweredThenAndNeverMade() {
    Future<Optional<InvocationResult>> holding =
        invoker.checkInput(
            "acme", deadlineIn(Duration.ofSeconds(20)), new Cancellation(), expensive());
    await().atMost(Duration.ofSeconds(5)).until(() -> expensiveStarted.get() == 1);

    AtomicBoolean lateRan = new AtomicBoolean();
    long before = System.nanoTime();
    Future<Optional<InvocationResult>> late =
        invoker.checkInput(
            "acme",
            deadlineIn(Duration.ofMillis(200)),
            new Cancellation(),
            recording(lateRan, Optional.empty()));
    await().atMost(Duration.ofSeconds(5)).until(late::isComplete);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(4));
    assertThat(late.result())
        .get()
        .satisfies(
            answer -> {
              assertThat(answer.outcome()).isEqualTo(Outcome.TIMEOUT);
              assertThat(answer.message()).isEqualTo(Invoker.QUEUED_PAST_DEADLINE);
            });

    expensiveMayEnd.countDown();
    await().atMost(Duration.ofSeconds(5)).until(holding::isComplete);
    await().atMost(Duration.ofSeconds(5)).until(() -> invoker.admitted() == 0);
    assertThat(lateRan).isFalse();
  }

  /**
   * Regression: work a caller abandoned ran to its limits. An invocation its caller cancelled while
   * it waited for a thread kept its admitted place until a thread took it, and then ran.
   */
  @Test
  void regressionAnInvocationCancelledWhileQueuedIsAnsweredAtOnceFreesItsPlaceAndNeverRuns() {
    Future<Optional<InvocationResult>> holding =
        invoker.checkInput(
            "acme", deadlineIn(Duration.ofSeconds(20)), new Cancellation(), expensive());
    await().atMost(Duration.ofSeconds(5)).until(() -> expensiveStarted.get() == 1);
    AtomicBoolean queuedRan = new AtomicBoolean();
    Cancellation cancellation = new Cancellation();
    Future<Optional<InvocationResult>> queued =
        invoker.checkInput(
            "acme",
            deadlineIn(Duration.ofSeconds(20)),
            cancellation,
            recording(queuedRan, Optional.empty()));
    assertThat(invoker.queued()).isEqualTo(1);
    assertThat(invoker.admitted()).isEqualTo(2);

    cancellation.cancel();

    assertThat(queued.isComplete()).isTrue();
    assertThat(queued.result())
        .get()
        .satisfies(
            answer -> {
              assertThat(answer.outcome()).isEqualTo(Outcome.CANCELLED);
              assertThat(answer.message()).isEqualTo(Invoker.CANCELLED_BEFORE_RUNNING);
            });
    assertThat(invoker.queued()).isZero();
    assertThat(invoker.admitted()).isEqualTo(1);

    expensiveMayEnd.countDown();
    await().atMost(Duration.ofSeconds(5)).until(holding::isComplete);
    await().atMost(Duration.ofSeconds(5)).until(() -> invoker.admitted() == 0);
    assertThat(queuedRan).isFalse();
  }

  /** Cancelled before it is admitted, work is answered at once and takes no place at all. */
  @Test
  void anInvocationCancelledBeforeAdmissionIsNeverAdmitted() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();
    AtomicBoolean ran = new AtomicBoolean();
    Future<Optional<InvocationResult>> answer =
        invoker.checkInput(
            "acme",
            deadlineIn(Duration.ofSeconds(20)),
            cancellation,
            recording(ran, Optional.empty()));
    assertThat(answer.result())
        .get()
        .extracting(InvocationResult::outcome)
        .isEqualTo(Outcome.CANCELLED);
    assertThat(invoker.admitted()).isZero();
    assertThat(ran).isFalse();
  }

  private static Invoker.Deadline deadlineIn(Duration duration) {
    Instant now = Instant.now();
    return new Invoker.Deadline(now, now.plus(duration), 100);
  }

  /** A check that holds its thread until the test lets it end, as an expensive schema would. */
  private Supplier<Optional<String>> expensive() {
    return () -> {
      expensiveStarted.incrementAndGet();
      try {
        expensiveMayEnd.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    };
  }

  private static Supplier<Optional<String>> recording(AtomicBoolean ran, Optional<String> problem) {
    return () -> {
      ran.set(true);
      return problem;
    };
  }
}
