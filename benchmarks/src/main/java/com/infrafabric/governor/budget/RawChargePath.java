package com.infrafabric.governor.budget;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.pricing.PricedSpend;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.Optional;

/**
 * The charge path's two Lua functions called raw with {@code FCALL}: the reserve of one call, then
 * the commit of that reservation, with the engine's own key layout and arguments but none of its
 * validation, pricing, fingerprinting or reply parsing. What Redis itself costs per call: the
 * physical baseline the engine and the HTTP service are measured against.
 *
 * <p>Lives in the engine's package to run the engine's own scripts, by their declared arguments,
 * with the tenant runner's header rather than a copy of it. Thread-safe; futures complete as the
 * store's do.
 */
public final class RawChargePath {

  /**
   * Each call's holder, a service as the gateway's calls have: the hold records it, the commit is
   * checked against it.
   */
  private static final ReservationHolder HOLDER = ReservationHolder.service("benchmark");

  private final RawScripts scripts;
  private final Scope scope;
  private final BenchmarkCall call;
  private final long pricingVersion;

  /**
   * Charges {@code call} on {@code scope}, recording {@code pricingVersion} (the catalogue version
   * that priced it) as the engine would.
   */
  public RawChargePath(
      RedisStore store, Clock clock, Scope scope, BenchmarkCall call, long pricingVersion) {
    this.scripts = new RawScripts(store, clock);
    this.scope = scope;
    this.call = call;
    this.pricingVersion = pricingVersion;
  }

  /**
   * Reserves, then commits what the call used; completes with the commit script's reply. Fails if
   * either script answers anything but {@code ok} (a denial or an unknown scope would measure a
   * shortcut, not the charge path).
   */
  public Future<Response> reserveCommit() {
    ReservationId id = ReservationId.generate(scope.tenant());
    return scripts
        .runOk(scope.tenant(), BudgetScripts.RESERVE, id, (args, now) -> reserve(args, id, now))
        .compose(
            reserved ->
                scripts.runOk(
                    scope.tenant(), BudgetScripts.COMMIT, id, (args, now) -> commit(args, id)));
  }

  private void reserve(ScriptArgs.Values args, ReservationId id, long nowMillis) {
    PricedSpend estimate =
        new PricedSpend(
            call.estimateMicros(),
            call.model().model(),
            pricingVersion,
            new TokenUsage(call.inputTokens(), 0, call.maxOutputTokens()));
    long expiresAt = nowMillis + BudgetSettings.DEFAULTS.defaultReservationTtl().toMillis();
    BudgetScripts.putReserve(
        args, id, estimate, expiresAt, scope, HOLDER, Optional.empty(), CallAttribution.NONE);
  }

  private void commit(ScriptArgs.Values args, ReservationId id) {
    PricedSpend actual =
        new PricedSpend(call.usedMicros(), call.model().model(), pricingVersion, call.used());
    BudgetScripts.putCommit(args, id, actual, "", HOLDER, "", CallAttribution.NONE);
  }
}
