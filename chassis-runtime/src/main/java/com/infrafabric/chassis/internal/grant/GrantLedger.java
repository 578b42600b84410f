package com.infrafabric.chassis.internal.grant;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantRevocation;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the chassis remembers about each grant, in Redis so every node and every restart sees the
 * same: how many invocations used it (refused beyond its allowed uses) and how much its LLM calls
 * have held or spent (refused beyond its cost cap). Each check-and-count is one Lua script, so two
 * nodes racing on the last use or the last micro-dollar cannot both win. The same scripts refuse a
 * grant the governor revoked ({@link GrantRevocation}: its task's lease ended): the record carries
 * the tenant's hash tag so it lies in the slot of the governor's revocation.
 *
 * <p>A grant's record expires when the grant does, plus the verifier's clock skew: after that the
 * token is refused as expired anyway. The time comes from the injected clock. Thread-safe.
 */
public final class GrantLedger {

  private static final LuaScript USE =
      grantScript("chassis_grant_use", ScriptArgs.of("max_uses", "ttl_ms"));
  private static final LuaScript HOLD =
      grantScript("chassis_grant_hold", ScriptArgs.of("amount_micros", "cap_micros", "ttl_ms"));
  private static final LuaScript ADJUST =
      grantScript("chassis_grant_adjust", ScriptArgs.of("field", "delta"));
  private static final Duration MIN_TTL = Duration.ofSeconds(1);

  private final RedisStore redis;
  private final Clock clock;
  private final Duration skew;

  /** The Lua scripts the ledger runs. */
  public static List<LuaScript> scripts() {
    return List.of(USE, HOLD, ADJUST);
  }

  public GrantLedger(RedisStore redis, Clock clock, Duration skew) {
    this.redis = redis;
    this.clock = clock;
    this.skew = skew;
  }

  /** The outcome of counting one use. */
  public sealed interface Use {
    /** The invocation may run; it is use {@code number}. */
    record Counted(int number) implements Use {}

    /** Every allowed use is spent. */
    record Exhausted(int used) implements Use {}

    /** The governor revoked the grant: its lease ended as {@code how}. */
    record Revoked(String how) implements Use {}
  }

  /** The outcome of holding a cost against the grant's cap. */
  public sealed interface Hold {
    /** Held; {@code remainingMicros} is what the cap has left after it. */
    record Held(long remainingMicros) implements Hold {}

    /** Not held: the cap has only {@code remainingMicros} left. */
    record Denied(long remainingMicros) implements Hold {}

    /** Not held: the governor revoked the grant, its lease ended as {@code how}. */
    record Revoked(String how) implements Hold {}
  }

  public Future<Use> use(Grant grant) {
    return redis
        .eval(
            USE,
            keys(grant),
            USE.args().values().put("max_uses", grant.maxUses()).put("ttl_ms", ttl(grant)).list())
        .map(
            reply ->
                switch (reply.get(0).toString()) {
                  case "counted" -> new Use.Counted(reply.get(1).toInteger());
                  case "exhausted" -> new Use.Exhausted(reply.get(1).toInteger());
                  default -> new Use.Revoked(reply.get(1).toString());
                });
  }

  /** Gives back a use the invocation never made (it was turned away before running). */
  public Future<Void> refund(Grant grant) {
    return adjust(grant, "uses", -1);
  }

  /** Holds {@code micros} against the grant's cost cap, or refuses with what is left. */
  public Future<Hold> hold(Grant grant, long micros) {
    return redis
        .eval(
            HOLD,
            keys(grant),
            HOLD.args()
                .values()
                .put("amount_micros", micros)
                .put("cap_micros", grant.costCapMicros())
                .put("ttl_ms", ttl(grant))
                .list())
        .map(
            reply ->
                switch (reply.get(0).toString()) {
                  case "held" -> new Hold.Held(reply.get(1).toLong());
                  case "capped" -> new Hold.Denied(reply.get(1).toLong());
                  default -> new Hold.Revoked(reply.get(1).toString());
                });
  }

  /** Replaces a hold of {@code heldMicros} by the actual cost {@code actualMicros}. */
  public Future<Void> settle(Grant grant, long heldMicros, long actualMicros) {
    return adjust(grant, "micros", actualMicros - heldMicros);
  }

  /** Releases a hold of {@code heldMicros}: the call it was for did not happen. */
  public Future<Void> unhold(Grant grant, long heldMicros) {
    return adjust(grant, "micros", -heldMicros);
  }

  private Future<Void> adjust(Grant grant, String field, long delta) {
    return redis
        .eval(
            ADJUST,
            List.of(key(grant)),
            ADJUST.args().values().put("field", field).put("delta", delta).list())
        .mapEmpty();
  }

  private long ttl(Grant grant) {
    Duration left = Duration.between(clock.instant(), grant.expiresAt().plus(skew));
    return Math.max(left.toMillis(), MIN_TTL.toMillis());
  }

  private static LuaScript grantScript(String name, ScriptArgs args) {
    return LuaScript.fromResource(GrantLedger.class, "chassis/grant/" + name, args);
  }

  /** The grant's record and its revocation, both in the tenant's hash tag. */
  private static List<String> keys(Grant grant) {
    return List.of(key(grant), GrantRevocation.key(grant));
  }

  /**
   * The grant's record. Tenants are scope segments (no braces), so the hash tag is the tenant, as
   * in the governor's keys; the verifier checks grant ids for braces too.
   */
  static String key(Grant grant) {
    return "chassis:{" + grant.tenant() + "}:grant:" + grant.id();
  }
}
