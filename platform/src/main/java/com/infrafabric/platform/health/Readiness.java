package com.infrafabric.platform.health;

import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every registered {@link ReadinessCheck} at once, each bounded by the same deadline: a check
 * that fails or does not answer in time counts as down, so readiness always answers promptly.
 * Thread-safe once built.
 */
public final class Readiness {

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private final Map<String, ReadinessCheck> checks;
  private final Duration deadline;

  public Readiness(Map<String, ReadinessCheck> checks, Duration deadline) {
    this.checks = new LinkedHashMap<>(checks);
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /** Runs the checks in registration order; never fails: every problem is a check that is down. */
  public Future<ReadinessReport> evaluate() {
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
