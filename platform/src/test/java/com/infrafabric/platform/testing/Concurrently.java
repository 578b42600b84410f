package com.infrafabric.platform.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs N tasks on N threads that all start at the same instant (behind one latch), so races are
 * provoked rather than hoped for, and collects their results within a deadline.
 */
public final class Concurrently {

  private Concurrently() {}

  /**
   * Runs {@code threads} copies of {@code task} (given their index) and returns their results in
   * index order.
   *
   * @throws AssertionError if a task fails or the deadline passes
   */
  public static <T> List<T> run(int threads, Duration deadline, IntFunction<Callable<T>> task)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<T> body = task.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return body.call();
                }));
      }
      start.countDown();
      long end = System.nanoTime() + deadline.toNanos();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return results;
    } catch (ExecutionException e) {
      throw new AssertionError("a concurrent task failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("concurrent tasks did not finish within " + deadline, e);
    } finally {
      pool.shutdownNow();
    }
  }
}
