package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.TenantCursor;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases reservations whose callers died: on every tick it visits a bounded page of tenants and
 * expires a bounded number of overdue reservations in each, so the work per tick is bounded however
 * many tenants and reservations exist. Reservations are also expired lazily by the next reservation
 * of the same tenant; the sweeper covers tenants that go quiet.
 *
 * <p>Any number of governor nodes may sweep at once: expiry is one atomic script per tenant, so a
 * reservation is expired exactly once.
 *
 * <p>What a tick does for one tenant is a {@link TenantSweep}: by default the budget engine's
 * {@link BudgetEngine#expireDue}; the claim path passes its own step, which also expires leases
 * (and with them their reservations), so one sweeper serves both.
 */
public final class ReservationSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(ReservationSweeper.class);

  private final TenantCursor tenants;
  private final TenantSweep sweep;
  private final Counter succeeded;
  private final Counter failed;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timerId = -1;

  /** Expires up to {@code reservationsPerTenant} due reservations of each tenant it visits. */
  public ReservationSweeper(
      RedisStore redis,
      BudgetEngine engine,
      int tenantsPerTick,
      int reservationsPerTenant,
      MeterRegistry meters) {
    this(
        redis,
        tenantsPerTick,
        tenant -> engine.expireDue(tenant, reservationsPerTenant),
        "reservations",
        meters);
  }

  /**
   * Runs {@code sweep} for each tenant it visits; its ticks are counted by outcome under {@code
   * name}, from zero, so an alert can tell a sweeper that keeps failing from one that never ran.
   */
  public ReservationSweeper(
      RedisStore redis, int tenantsPerTick, TenantSweep sweep, String name, MeterRegistry meters) {
    this.tenants = new TenantCursor(redis, tenantsPerTick);
    this.sweep = sweep;
    this.succeeded = ticks(meters, name, "ok");
    this.failed = ticks(meters, name, "failed");
  }

  private static Counter ticks(MeterRegistry meters, String name, String outcome) {
    return Counter.builder("governor.sweeper.ticks")
        .description("Sweeper ticks by sweeper (reservations, leases) and outcome (ok, failed)")
        .tag("sweeper", name)
        .tag("outcome", outcome)
        .register(meters);
  }

  /** Sweeps every {@code interval}; a tick is skipped while the previous one is still running. */
  public void start(Vertx vertx, Duration interval) {
    timerId = vertx.setPeriodic(interval.toMillis(), id -> tick());
  }

  public void stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void tick() {
    if (running.compareAndSet(false, true)) {
      sweepOnce()
          .onSuccess(expired -> succeeded.increment())
          .onFailure(
              error -> {
                failed.increment();
                LOG.warn("reservation sweep failed: {}", error.getMessage());
              })
          .onComplete(ignored -> running.set(false));
    }
  }

  /** Visits the next page of tenants; returns how many reservations were expired. */
  public Future<Integer> sweepOnce() {
    return tenants.next().compose(this::expireTenants);
  }

  /**
   * Sweeps the page's tenants one after another. A tenant that fails (on a cluster, its master may
   * be failing over) does not stop the others, which live on other masters; the tick then fails
   * with the first error once every tenant had its turn.
   */
  private Future<Integer> expireTenants(List<String> page) {
    Future<Integer> total = Future.succeededFuture(0);
    List<Throwable> failures = new ArrayList<>();
    for (String tenant : page) {
      total =
          total.compose(
              sum ->
                  sweep
                      .sweep(tenant)
                      .map(count -> sum + count)
                      .recover(
                          error -> {
                            failures.add(error);
                            return Future.succeededFuture(sum);
                          }));
    }
    return total.compose(
        sum ->
            failures.isEmpty()
                ? Future.succeededFuture(sum)
                : Future.failedFuture(failures.get(0)));
  }

  /** One tenant's share of a tick: expires a bounded number of due items, returns how many. */
  @FunctionalInterface
  public interface TenantSweep {
    Future<Integer> sweep(String tenant);
  }
}
