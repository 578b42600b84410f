package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.TenantCursor;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
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
  private final AtomicBoolean running = new AtomicBoolean();
  private long timerId = -1;

  /** Expires up to {@code reservationsPerTenant} due reservations of each tenant it visits. */
  public ReservationSweeper(
      RedisStore redis, BudgetEngine engine, int tenantsPerTick, int reservationsPerTenant) {
    this(redis, tenantsPerTick, tenant -> engine.expireDue(tenant, reservationsPerTenant));
  }

  /** Runs {@code sweep} for each tenant it visits. */
  public ReservationSweeper(RedisStore redis, int tenantsPerTick, TenantSweep sweep) {
    this.tenants = new TenantCursor(redis, tenantsPerTick);
    this.sweep = sweep;
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
          .onFailure(error -> LOG.warn("reservation sweep failed: {}", error.getMessage()))
          .onComplete(ignored -> running.set(false));
    }
  }

  /** Visits the next page of tenants; returns how many reservations were expired. */
  public Future<Integer> sweepOnce() {
    return tenants.next().compose(this::expireTenants);
  }

  private Future<Integer> expireTenants(List<String> page) {
    Future<Integer> total = Future.succeededFuture(0);
    for (String tenant : page) {
      total = total.compose(sum -> sweep.sweep(tenant).map(count -> sum + count));
    }
    return total;
  }

  /** One tenant's share of a tick: expires a bounded number of due items, returns how many. */
  @FunctionalInterface
  public interface TenantSweep {
    Future<Integer> sweep(String tenant);
  }
}
