package com.infrafabric.governor.budget;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * The charge path's two Lua scripts sent raw with {@code EVALSHA}: the reserve of one call, then
 * the commit of that reservation, with the engine's own key layout and arguments but none of its
 * validation, pricing, fingerprinting or reply parsing. What Redis itself costs per call: the
 * physical baseline the engine and the HTTP service are measured against.
 *
 * <p>Lives in the engine's package to build the calls with the engine's own builders rather than a
 * copy of them. Thread-safe; futures complete as the store's do.
 */
public final class RawChargePath {

  private final RedisStore store;
  private final Clock clock;
  private final Scope scope;
  private final BenchmarkCall call;
  private final long pricingVersion;
  private final BudgetKeys keys;

  /**
   * Charges {@code call} on {@code scope}, recording {@code pricingVersion} (the catalogue version
   * that priced it) as the engine would.
   */
  public RawChargePath(
      RedisStore store, Clock clock, Scope scope, BenchmarkCall call, long pricingVersion) {
    this.store = store;
    this.clock = clock;
    this.scope = scope;
    this.call = call;
    this.pricingVersion = pricingVersion;
    this.keys = BudgetKeys.of(scope.tenant());
  }

  /**
   * Reserves, then commits what the call used; completes with the commit script's reply. Fails if
   * either script answers anything but {@code ok} (a denial or an unknown scope would measure a
   * shortcut, not the charge path).
   */
  public Future<Response> reserveCommit() {
    Instant now = clock.instant();
    CalendarWindows windows = CalendarWindows.at(now, TenantZones.DEFAULT_ZONE);
    ReservationId id = ReservationId.generate(scope.tenant());
    BudgetCall reserve = reserve(id, windows, now.toEpochMilli());
    return store
        .eval(BudgetScripts.RESERVE, reserve.keys(), reserve.args())
        .compose(reply -> ok("reserve", reply))
        .compose(
            reserved -> {
              BudgetCall commit = commit(id, windows, now.toEpochMilli());
              return store.eval(BudgetScripts.COMMIT, commit.keys(), commit.args());
            })
        .compose(reply -> ok("commit", reply));
  }

  private static Future<Response> ok(String script, Response reply) {
    String kind = reply.get(0).toString();
    return "ok".equals(kind)
        ? Future.succeededFuture(reply)
        : Future.failedFuture(
            new IllegalStateException(
                "the raw " + script + " script answered " + kind + ": " + reply.get(1)));
  }

  private BudgetCall reserve(ReservationId id, CalendarWindows windows, long nowMillis) {
    return header(id, windows, nowMillis)
        .arg(call.estimateMicros())
        .arg(nowMillis + BudgetSettings.DEFAULTS.defaultReservationTtl().toMillis())
        .arg(call.model().model())
        .arg(pricingVersion)
        .arg(call.inputTokens())
        .arg(call.maxOutputTokens())
        .arg(scope.path());
  }

  private BudgetCall commit(ReservationId id, CalendarWindows windows, long nowMillis) {
    return header(id, windows, nowMillis)
        .arg(call.usedMicros())
        .arg(call.used().inputTokens())
        .arg(call.used().cachedInputTokens())
        .arg(call.used().outputTokens())
        .arg(call.model().model())
        .arg(pricingVersion)
        .arg("");
  }

  private BudgetCall header(ReservationId id, CalendarWindows windows, long nowMillis) {
    IdempotencyKey key = IdempotencyKey.of(UUID.randomUUID().toString());
    return BudgetCall.of(keys, windows, nowMillis, key, "fp", BudgetSettings.DEFAULTS)
        .reservationKey(keys.reservation(id))
        .arg(id.toString());
  }
}
