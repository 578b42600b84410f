package com.infrafabric.chassis.mcp;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP sessions ({@code Mcp-Session-Id}), kept in Redis so that any chassis node behind a load
 * balancer serves any session: each agent's live sessions are one sorted set (session id to expiry)
 * under the hash tag of that agent, renewed on use and dropped after the idle timeout. A session
 * belongs to the agent (tenant and subject) that opened it: another agent presenting its id finds
 * nothing. The id itself is 128 random bits, so it cannot be guessed; it is no credential, since
 * every request carries its bearer token as well. It ends with the protocol version its {@code
 * initialize} negotiated, so every node knows a session's version without asking Redis, and a
 * client cannot change it: another id is no session.
 *
 * <p>A node remembers for {@link McpSettings#sessionRecheck()} that it found a session live, and
 * asks Redis again only after that, so a busy session costs one round trip per recheck interval
 * rather than per request. Thread-safe.
 */
public final class McpSessions {

  private static final LuaScript OPEN =
      LuaScript.fromResource(
          McpSessions.class,
          "chassis/mcp/chassis_mcp_session_open",
          ScriptArgs.of("session", "now_ms", "idle_ms", "max_sessions"));
  private static final LuaScript TOUCH =
      LuaScript.fromResource(
          McpSessions.class,
          "chassis/mcp/chassis_mcp_session_touch",
          ScriptArgs.of("session", "now_ms", "idle_ms"));
  private static final int MAX_REMEMBERED = 10_000;

  private final RedisStore redis;
  private final Clock clock;
  private final McpSettings settings;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> confirmed = new ConcurrentHashMap<>();

  McpSessions(RedisStore redis, Clock clock, McpSettings settings) {
    this.redis = redis;
    this.clock = clock;
    this.settings = settings;
  }

  /** The agent a session belongs to: tenant and token subject, both scope segments. */
  /** The scripts, for the test that pins their argument names. */
  public static List<LuaScript> scripts() {
    return List.of(OPEN, TOUCH);
  }

  record Owner(String tenant, String agent) {
    String key() {
      return "{chassis-mcp:" + tenant + ":" + agent + "}:sessions";
    }
  }

  /** What opening a session gave. */
  sealed interface Opening {
    record Opened(String id) implements Opening {}

    /**
     * The agent has its maximum of live sessions.
     *
     * @param soonestExpiry when the first of them expires if it is not used before
     */
    record Full(Instant soonestExpiry) implements Opening {}
  }

  /** A new session speaking {@code version}, or the agent's maximum of live sessions reached. */
  Future<Opening> open(Owner owner, String version) {
    String id = newId() + '.' + version;
    Instant now = clock.instant();
    return redis
        .eval(
            OPEN,
            List.of(owner.key()),
            OPEN.args()
                .values()
                .put("session", id)
                .put("now_ms", now.toEpochMilli())
                .put("idle_ms", idleMillis())
                .put("max_sessions", settings.maxSessionsPerAgent())
                .list())
        .map(
            reply -> {
              if (reply.get(0).toInteger() == 0) {
                return new Opening.Full(Instant.ofEpochMilli(reply.get(1).toLong()));
              }
              remember(owner, id, now);
              return new Opening.Opened(id);
            });
  }

  /**
   * The protocol version the session {@code id} speaks; empty for an id this server never gives.
   */
  static Optional<String> version(String id) {
    int dot = id.lastIndexOf('.');
    return dot < 0
        ? Optional.empty()
        : Optional.of(id.substring(dot + 1)).filter(ProtocolVersions.SUPPORTED::contains);
  }

  /** True if {@code id} is a live session of {@code owner}; renews it. */
  Future<Boolean> touch(Owner owner, String id) {
    Instant now = clock.instant();
    Instant seen = confirmed.get(rememberKey(owner, id));
    if (seen != null && now.isBefore(seen.plus(settings.sessionRecheck()))) {
      return Future.succeededFuture(true);
    }
    return redis
        .eval(
            TOUCH,
            List.of(owner.key()),
            TOUCH
                .args()
                .values()
                .put("session", id)
                .put("now_ms", now.toEpochMilli())
                .put("idle_ms", idleMillis())
                .list())
        .map(
            reply -> {
              boolean live = reply.toInteger() == 1;
              if (live) {
                remember(owner, id, now);
              } else {
                confirmed.remove(rememberKey(owner, id));
              }
              return live;
            });
  }

  /** Ends a session; true if it was live. */
  Future<Boolean> close(Owner owner, String id) {
    confirmed.remove(rememberKey(owner, id));
    return redis
        .send(owner.key(), Request.cmd(Command.ZREM).arg(owner.key()).arg(id))
        .map(reply -> reply.toInteger() == 1);
  }

  private void remember(Owner owner, String id, Instant now) {
    if (confirmed.size() >= MAX_REMEMBERED) {
      confirmed.clear(); // a bound, not a cache policy: the next requests ask Redis again
    }
    confirmed.put(rememberKey(owner, id), now);
  }

  private long idleMillis() {
    return settings.sessionIdleTimeout().toMillis();
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String rememberKey(Owner owner, String id) {
    return owner.key() + ' ' + id;
  }
}
