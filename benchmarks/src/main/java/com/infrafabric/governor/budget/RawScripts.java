package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.UUID;

/**
 * A tenant's scripts run raw, as the raw charge and claim paths measure them: through the engines'
 * own {@link TenantScripts} with the default settings, each call under a fresh idempotency key, and
 * any answer but {@code ok} a failure (a denial or an unknown scope would measure a shortcut, not
 * the path). Thread-safe.
 */
public final class RawScripts {

  private final TenantScripts scripts;

  public RawScripts(RedisStore store, Clock clock) {
    this.scripts = DefaultBudgetEngine.scripts(store, clock);
  }

  /**
   * Runs {@code script} once for {@code tenant} on {@code reservation} (null for none) with {@code
   * own} arguments; completes with Redis's answer if it is {@code ok}, fails otherwise.
   */
  public Future<Response> runOk(
      String tenant, LuaScript script, ReservationId reservation, TenantScripts.Arguments own) {
    return scripts
        .runOnce(
            tenant, script, IdempotencyKey.of(UUID.randomUUID().toString()), "fp", reservation, own)
        .compose(reply -> ok(script.name(), reply));
  }

  private static Future<Response> ok(String script, Response reply) {
    String kind = reply.get(0).toString();
    return "ok".equals(kind)
        ? Future.succeededFuture(reply)
        : Future.failedFuture(
            new IllegalStateException(
                "the raw " + script + " script answered " + kind + ": " + reply.get(1)));
  }
}
