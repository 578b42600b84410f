package com.infrafabric.platform.health;

import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every registered {@link ReadinessCheck} at once, each bounded by the same deadline: a check
 * that fails or does not answer in time counts as down, so readiness always answers promptly.
 *
 * <p>Readiness is anonymous (probes send no token), so its cost must not be anyone's to choose:
 * callers share one evaluation while it runs, and anonymous ones for {@link #FRESH_FOR} after it
 * ends. A flood of probes then costs each check (a real Redis round trip) at most a few times a
 * second per node, and every answer is still the outcome of a real check at most that old.
 * Thread-safe once built.
 */
public final class Readiness {

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  /** How long a finished evaluation answers later callers. */
  public static final Duration FRESH_FOR = Duration.ofMillis(200);

  /** What every evaluation reports once the service drains. */
  private static final ReadinessReport DRAINING =
      new ReadinessReport(
          Map.of(
              "shutdown",
              CheckResult.down(
                  "the service is shutting down: it finishes the requests it has and takes no"
                      + " new ones")));

  private final Map<String, ReadinessCheck> checks;
  private final Duration deadline;
  private final AtomicReference<Shared> shared = new AtomicReference<>();
  private volatile boolean lastUp;
  private volatile boolean draining;

  /** An evaluation and when it was started. */
  private record Shared(Future<ReadinessReport> report, long startedNanos) {

    boolean usableAt(long nanos, boolean recentWillDo) {
      return !report.isComplete() || recentWillDo && nanos - startedNanos < FRESH_FOR.toNanos();
    }
  }

  public Readiness(Map<String, ReadinessCheck> checks, Duration deadline) {
    this.checks = new LinkedHashMap<>(checks);
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /**
   * The report of the evaluation running now, or (if {@code recentWillDo}) of one finished within
   * {@link #FRESH_FOR}, else of a new one; never fails: every problem is a check that is down.
   * Anonymous probes take a recent report; a token holder, whose requests are charged to their rate
   * limit, gets one that started after they asked.
   */
  public Future<ReadinessReport> evaluate(boolean recentWillDo) {
    if (draining) {
      return Future.succeededFuture(DRAINING);
    }
    long now = System.nanoTime();
    Shared current = shared.get();
    if (current != null && current.usableAt(now, recentWillDo)) {
      return current.report();
    }
    Promise<ReadinessReport> promise = Promise.promise();
    Shared mine = new Shared(promise.future(), now);
    if (!shared.compareAndSet(current, mine)) {
      Shared winner = shared.get();
      return winner != null ? winner.report() : evaluate(recentWillDo);
    }
    runAll().onSuccess(report -> lastUp = report.up()).onComplete(promise);
    return mine.report();
  }

  /**
   * From now on every evaluation is down, with the one check {@code shutdown}, and runs no check:
   * the service is draining, and a load balancer should send its new requests elsewhere. Never
   * undone.
   */
  public void drain() {
    draining = true;
    lastUp = false;
  }

  /** Whether the latest finished evaluation was up; false before the first one. */
  public boolean lastUp() {
    return lastUp;
  }

  /** Runs the checks in registration order. */
  private Future<ReadinessReport> runAll() {
    List<String> names = new ArrayList<>(checks.keySet());
    List<Future<CheckResult>> results = names.stream().map(this::run).toList();
    return Future.join(results)
        .transform(
            done -> {
              Map<String, CheckResult> byName = new LinkedHashMap<>();
              for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), results.get(i).result());
              }
              return Future.succeededFuture(new ReadinessReport(byName));
            });
  }

  private Future<CheckResult> run(String name) {
    return checks
        .get(name)
        .check()
        .timeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.succeededFuture(down(name, failure)));
  }

  private CheckResult down(String name, Throwable failure) {
    if (failure instanceof RedisUnavailableException unavailable) {
      return CheckResult.down(unavailable.getMessage());
    }
    if (failure instanceof TimeoutException) {
      return CheckResult.down("no answer within " + deadline.toMillis() + " ms");
    }
    LOG.warn("readiness check {} failed", name, failure);
    return CheckResult.down("check failed; see the server log");
  }
}
