package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantCursor;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remaining budget of budgeted scopes as the gauge {@code
 * governor_budget_remaining_microdollars{scope, window}} (cap minus spent minus held, in the
 * current window), read from Redis again every interval. Its cardinality is bounded: at most {@code
 * maxSeries} series, taken tenant by tenant as {@code SSCAN} walks the set of tenants and, within a
 * tenant, in scope order (its root first), each tenant at most its equal share of them (at least
 * one budget's windows): one tenant's many budgets never push another's out, so the root caps an
 * operator alerts on are shown while there are series for every tenant. When a tenant's share or
 * the bound leaves budgeted scopes out, {@code governor_budget_remaining_truncated} is 1. A refresh
 * costs one status script per budgeted scope shown, so at most {@code maxSeries} scripts (and the
 * scans that find them) per interval and node. Between refreshes the gauge shows the last values
 * read; a refresh that fails keeps them and is counted. Not thread-safe beyond what its timer
 * needs: one refresh runs at a time.
 */
public final class BudgetGauges {

  private static final Logger LOG = LoggerFactory.getLogger(BudgetGauges.class);
  private static final int TENANT_PAGE = 100;

  private final RedisStore redis;
  private final Budgets budgets;
  private final BudgetGaugeSettings settings;
  private final MultiGauge remaining;
  private final AtomicLong truncated = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Counter refreshFailures;
  private long timerId = -1;

  public BudgetGauges(
      RedisStore redis, Budgets budgets, BudgetGaugeSettings settings, MeterRegistry meters) {
    this.redis = redis;
    this.budgets = budgets;
    this.settings = settings;
    this.remaining =
        MultiGauge.builder("governor.budget.remaining")
            .description(
                "Budget left in the current window (cap minus spent minus held), in"
                    + " micro-dollars, for at most metrics.budgetGauges.maxSeries scopes")
            .baseUnit("microdollars")
            .register(meters);
    Gauge.builder("governor.budget.remaining.truncated", truncated, AtomicLong::get)
        .description(
            "1 if the remaining-budget gauge reached metrics.budgetGauges.maxSeries and left"
                + " budgeted scopes out, else 0")
        .register(meters);
    // Registered with its help text before any failure: one made on the failure path had none,
    // and the scrape no longer passed promtool check metrics.
    this.refreshFailures =
        Counter.builder("governor.budget.remaining.refresh.failures")
            .description("Refreshes of the remaining-budget gauge that failed (the store was down)")
            .register(meters);
  }

  /** Refreshes every {@code interval}; nothing if {@code maxSeries} is 0. */
  public void start(Vertx vertx) {
    if (settings.maxSeries() > 0) {
      refresh();
      timerId = vertx.setPeriodic(settings.interval().toMillis(), id -> refresh());
    }
  }

  public void stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /**
   * Reads the shown series again; completes at once, reading nothing, if the gauge is off or a
   * refresh is already running.
   */
  public Future<Void> refresh() {
    if (settings.maxSeries() == 0 || !running.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return redis
        .send(TenantKeyNames.TENANTS, Request.cmd(Command.SCARD).arg(TenantKeyNames.TENANTS))
        .map(count -> new Collected(settings.maxSeries(), count.toLong()))
        .compose(
            collected -> tenants(new TenantCursor(redis, TENANT_PAGE), collected).map(collected))
        .<Void>map(
            collected -> {
              remaining.register(collected.rows, true);
              truncated.set(collected.leftOut ? 1 : 0);
              return null;
            })
        .onFailure(
            failure -> {
              refreshFailures.increment();
              LOG.warn("remaining-budget gauge not refreshed: {}", failure.toString());
            })
        .onComplete(ignored -> running.set(false));
  }

  /** Walks the tenants one page at a time, collecting each one's series, once round the set. */
  private Future<Void> tenants(TenantCursor cursor, Collected collected) {
    return cursor
        .next()
        .compose(page -> each(page, 0, collected))
        .compose(ignored -> cursor.atEnd() || collected.full ? done() : tenants(cursor, collected));
  }

  private Future<Void> each(List<String> tenants, int index, Collected collected) {
    if (index == tenants.size() || collected.full) {
      return done();
    }
    collected.nextTenant();
    return budgetsOf(new Scope(List.of(tenants.get(index))), null, collected)
        .compose(ignored -> each(tenants, index + 1, collected));
  }

  /** The budgets of {@code tenant} after {@code after}, a page at a time. */
  private Future<Void> budgetsOf(Scope tenant, Scope after, Collected collected) {
    return budgets
        .list(tenant, after, Budgets.MAX_PAGE_SIZE)
        .compose(
            page ->
                scopes(page.budgets(), 0, collected)
                    .compose(
                        ignored ->
                            page.nextCursor().isPresent() && collected.tenantHasRoom()
                                ? budgetsOf(tenant, Scope.parse(page.nextCursor().get()), collected)
                                : done()));
  }

  private Future<Void> scopes(List<Budget> page, int index, Collected collected) {
    if (index == page.size() || !collected.tenantHasRoom()) {
      return done();
    }
    Budget budget = page.get(index);
    if (!collected.take(budget.limits().size())) {
      return done();
    }
    return budgets
        .status(budget.scope())
        .compose(
            statuses -> {
              for (UsageStatus status : statuses) {
                if (status.scope().equals(budget.scope())) {
                  status.remainingMicros().ifPresent(left -> collected.add(status, left));
                }
              }
              return scopes(page, index + 1, collected);
            });
  }

  private static Future<Void> done() {
    return Future.succeededFuture();
  }

  /**
   * The series of one refresh, up to the bound, each tenant up to its share: the bound over the
   * tenants the set holds, at least {@link Window}'s count (one budget's windows).
   */
  private static final class Collected {
    private final int max;
    private final long tenantShare;
    private final List<MultiGauge.Row<?>> rows = new ArrayList<>();
    private int tenantStart;
    private boolean tenantFull;
    private boolean full;
    private boolean leftOut;

    Collected(int max, long tenants) {
      this.max = max;
      this.tenantShare = Math.max(Window.values().length, max / Math.max(tenants, 1));
    }

    void nextTenant() {
      tenantStart = rows.size();
      tenantFull = false;
    }

    /** True while the current tenant and the bound have room for more series. */
    boolean tenantHasRoom() {
      return !full && !tenantFull;
    }

    /**
     * Takes room for a budget of {@code series} windows; false, noting what is left out, when the
     * tenant's share or the bound has none.
     */
    boolean take(int series) {
      if (rows.size() + series > max) {
        full = true;
      } else if (rows.size() - tenantStart + series > tenantShare) {
        tenantFull = true;
      } else {
        return true;
      }
      leftOut = true;
      return false;
    }

    void add(UsageStatus status, long left) {
      rows.add(
          MultiGauge.Row.of(
              Tags.of("scope", status.scope().path(), "window", status.window().wireName()), left));
    }
  }
}
