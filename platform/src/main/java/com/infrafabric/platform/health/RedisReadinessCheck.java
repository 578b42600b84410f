package com.infrafabric.platform.health;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * Redis is ready when every master takes writes ({@link RedisStore#roundTrip}: a replica or a
 * master out of memory answers {@code PING} but serves no request) and holds the service's Lua
 * scripts. A server that restarted has forgotten them, so a missing script is loaded again here;
 * the check reports down only if that fails too, which lets a service recover from a Redis restart
 * without restarting. While the store knows Redis is not answering, the check costs one short
 * probe, not a full command timeout. A master that would evict keys, lacks the required persistence
 * or, under replicated durability, has no replica online ({@link RedisStore#refusal}) makes it down
 * with that reason: each can change at runtime ({@code CONFIG SET}), long after the service
 * started, and the store refuses that master's scripts meanwhile.
 */
public final class RedisReadinessCheck implements ReadinessCheck {

  private final RedisStore store;
  private final List<LuaScript> scripts;

  private RedisReadinessCheck(RedisStore store, List<LuaScript> scripts) {
    this.store = store;
    this.scripts = scripts;
  }

  public static RedisReadinessCheck of(RedisStore store, Collection<LuaScript> scripts) {
    return new RedisReadinessCheck(store, List.copyOf(scripts));
  }

  @Override
  public Future<CheckResult> check() {
    return store
        .probe()
        .compose(
            answers ->
                answers
                    ? roundTrip()
                    : Future.succeededFuture(
                        CheckResult.down(
                            "Redis does not answer, or refuses writes; requests fail fast until a probe is answered")));
  }

  private Future<CheckResult> roundTrip() {
    return store
        .refusal()
        .compose(
            refusal ->
                refusal.isPresent()
                    ? Future.succeededFuture(CheckResult.down(refusal.get()))
                    : writable());
  }

  private Future<CheckResult> writable() {
    if (scripts.isEmpty()) {
      return store.roundTrip().map(v -> CheckResult.up("a write probe answered"));
    }
    return store
        .roundTrip()
        .compose(v -> store.hasScripts(scripts))
        .compose(
            loaded ->
                loaded
                    ? Future.succeededFuture(
                        CheckResult.up("a write probe answered, scripts loaded"))
                    : store
                        .load(scripts)
                        .map(v -> CheckResult.up("a write probe answered, scripts reloaded")));
  }
}
