package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.Outcome;
import com.infrafabric.llm.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FairDispatchTest {

  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final Watchdog watchdog = new Watchdog(Clock.systemUTC(), Duration.ofMillis(5));
  private final CountDownLatch hogsMayEnd = new CountDownLatch(1);
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    hogsMayEnd.countDown();
    threads.shutdownNow();
    watchdog.close();
  }

  private static Instant in(Duration duration) {
    return Instant.now().plus(duration);
  }

  private Runnable hog(String name) {
    return () -> {
      events.add("start " + name);
      try {
        hogsMayEnd.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  private Runnable quick(String name) {
    return () -> events.add("ran " + name);
  }

  private Consumer<Outcome> expired(String name) {
    return why -> events.add((why == Outcome.TIMEOUT ? "expired " : why + " ") + name);
  }

  /**
   * A tenant that sends more long-running work than its share of the threads runs only its share;
   * another tenant's invocation takes the thread left free at once instead of waiting behind it.
   */
  @Test
  void aTenantBeyondItsShareWaitsWhileAnotherTenantRunsAtOnce() {
    FairDispatch dispatch = new FairDispatch(threads, 2, 1, watchdog);
    Instant later = in(Duration.ofSeconds(20));
    dispatch.submit("hog", later, new Cancellation(), hog("hog-1"), expired("hog-1"));
    dispatch.submit("hog", later, new Cancellation(), hog("hog-2"), expired("hog-2"));
    dispatch.submit("other", later, new Cancellation(), quick("other"), expired("other"));

    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("ran other"));
    assertThat(events).contains("start hog-1").doesNotContain("start hog-2");
    assertThat(dispatch.waiting()).isEqualTo(1);

    hogsMayEnd.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("start hog-2"));
    assertThat(dispatch.waiting()).isZero();
  }

  /** What waits past its deadline is answered then, never runs, and frees its place in line. */
  @Test
  void anInvocationStillWaitingAtItsDeadlineIsAnsweredThenAndNeverRuns() throws Exception {
    FairDispatch dispatch = new FairDispatch(threads, 2, 1, watchdog);
    dispatch.submit(
        "hog", in(Duration.ofSeconds(20)), new Cancellation(), hog("hog-1"), expired("hog-1"));
    long before = System.nanoTime();
    dispatch.submit(
        "hog", in(Duration.ofMillis(200)), new Cancellation(), quick("late"), expired("late"));

    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("expired late"));
    assertThat(System.nanoTime() - before).isLessThan(TimeUnit.SECONDS.toNanos(4));
    assertThat(dispatch.waiting()).isZero();
    hogsMayEnd.countDown();
    dispatch.submit(
        "hog", in(Duration.ofSeconds(20)), new Cancellation(), quick("next"), expired("next"));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("ran next"));
    assertThat(events).doesNotContain("ran late");
  }

  /** Free threads serve the tenants in turn, not in the order their work arrived. */
  @Test
  void freeThreadsServeTenantsInTurn() {
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      FairDispatch dispatch = new FairDispatch(one, 1, 1, watchdog);
      Instant later = in(Duration.ofSeconds(20));
      dispatch.submit("a", later, new Cancellation(), hog("a-0"), expired("a-0"));
      for (int i = 1; i <= 3; i++) {
        dispatch.submit("a", later, new Cancellation(), quick("a-" + i), expired("a-" + i));
      }
      dispatch.submit("b", later, new Cancellation(), quick("b-1"), expired("b-1"));
      hogsMayEnd.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 5);
      assertThat(events).containsExactly("start a-0", "ran b-1", "ran a-1", "ran a-2", "ran a-3");
    } finally {
      one.shutdownNow();
    }
  }
}
