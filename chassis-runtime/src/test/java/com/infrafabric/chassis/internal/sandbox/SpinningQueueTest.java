package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SpinningQueueTest {

  private static final long LONG_SPIN = TimeUnit.SECONDS.toNanos(20);

  @Test
  void aZeroSpinParksAtOnce() throws Exception {
    try (Taker taker = new Taker(new SpinningQueue(0))) {
      taker.awaitState(Thread.State.WAITING, Duration.ofSeconds(1));
    }
  }

  @Test
  void aTakerSpinsAndTakesWhatArrivesWithoutParking() throws Exception {
    SpinningQueue queue = new SpinningQueue(LONG_SPIN);
    try (Taker taker = new Taker(queue)) {
      taker.awaitSpinning();
      Runnable task = () -> {};
      queue.offer(task);
      assertThat(taker.taken.get(5, TimeUnit.SECONDS)).isSameAs(task);
    }
  }

  @Test
  void theSpinIsBoundedThenTheTakerParks() throws Exception {
    try (Taker taker = new Taker(new SpinningQueue(TimeUnit.MILLISECONDS.toNanos(20)))) {
      taker.awaitState(Thread.State.WAITING, Duration.ofSeconds(5));
    }
  }

  @Test
  void onlyOneThreadSpinsTheOthersParkAtOnce() throws Exception {
    SpinningQueue queue = new SpinningQueue(LONG_SPIN);
    try (Taker spinner = new Taker(queue)) {
      spinner.awaitSpinning();
      try (Taker second = new Taker(queue)) {
        second.awaitState(Thread.State.WAITING, Duration.ofSeconds(5));
        assertThat(spinner.thread.getState()).isEqualTo(Thread.State.RUNNABLE);
      }
    }
  }

  @Test
  void anInterruptEndsTheSpinSoThePoolCanShutDown() throws Exception {
    try (Taker taker = new Taker(new SpinningQueue(LONG_SPIN))) {
      taker.awaitSpinning();
      taker.thread.interrupt();
      assertThatThrownBy(() -> taker.taken.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(InterruptedException.class);
    }
  }

  @Test
  void aSpinningPoolRunsWorkAndItsIdleThreadsParkAfterTheSpin() throws Exception {
    ThreadPoolExecutor pool = GuestThreads.create(2, 256 << 10, Duration.ofMillis(20));
    Set<Thread> workers = ConcurrentHashMap.newKeySet();
    try {
      for (int i = 0; i < 50; i++) {
        assertThat(CompletableFuture.supplyAsync(() -> workers.add(Thread.currentThread()), pool))
            .succeedsWithin(Duration.ofSeconds(5));
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> workers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
      assertThat(pool.getQueue()).isEmpty();
    } finally {
      pool.shutdownNow();
    }
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  /** A thread blocked in {@link SpinningQueue#take()}, interrupted on close. */
  private static final class Taker implements AutoCloseable {
    final CompletableFuture<Runnable> taken = new CompletableFuture<>();
    final Thread thread;

    Taker(SpinningQueue queue) {
      thread =
          new Thread(
              () -> {
                try {
                  taken.complete(queue.take());
                } catch (InterruptedException e) {
                  taken.completeExceptionally(e);
                }
              },
              "spinning-queue-taker");
      thread.start();
    }

    void awaitState(Thread.State state, Duration patience) {
      await()
          .atMost(patience)
          .pollInterval(Duration.ofMillis(1))
          .until(() -> thread.getState() == state);
    }

    /** Waits until the taker has stayed runnable, without work, for a while: it is spinning. */
    void awaitSpinning() {
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> thread.getState() == Thread.State.RUNNABLE && !taken.isDone());
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(5));
    }
  }
}
