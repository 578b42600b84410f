package com.infrafabric.chassis.mcp;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>A session that a running call or an open stream uses is held ({@link Hold}): a second sorted
 * set beside the sessions lists each hold with a lease its node renews, so Redis knows which
 * sessions are busy whichever node runs their work. At its maximum of sessions an agent's next
 * {@code initialize} ends its least recently used idle session to make room, in the same script
 * that opens the new one; it is refused only while every session is held. Clients end sessions by
 * leaving them (the official TypeScript SDK's {@code close()} sends no {@code DELETE}), so a cap
 * that waited for them to expire shut an ordinary client out for the idle timeout.
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
  private static final LuaScript HOLD =
      LuaScript.fromResource(
          McpSessions.class,
          "chassis/mcp/chassis_mcp_session_hold",
          ScriptArgs.of("session", "hold", "now_ms", "idle_ms", "lease_ms"));
  private static final int MAX_REMEMBERED = 10_000;

  private final RedisStore redis;
  private final Clock clock;
  private final McpSettings settings;
  private final Duration holdLease;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> confirmed = new ConcurrentHashMap<>();
  private final String node = newId();
  private final AtomicLong holds = new AtomicLong();

  /**
   * @param holdLease how long a hold lasts unless renewed: longer than the interval at which its
   *     node renews it, so that only a node that stopped lets its holds lapse
   */
  McpSessions(RedisStore redis, Clock clock, McpSettings settings, Duration holdLease) {
    this.redis = redis;
    this.clock = clock;
    this.settings = settings;
    this.holdLease = holdLease;
  }

  /** The scripts, for the test that pins their argument names. */
  public static List<LuaScript> scripts() {
    return List.of(OPEN, TOUCH, HOLD);
  }

  /**
   * The principal a session belongs to: tenant, token subject (both scope segments) and the exact
   * scope (subtree) its token is confined to. A token of the same subject under another scope,
   * wider or narrower, is another principal: it neither sees nor ends the session, nor cancels its
   * calls, as its rate limits are its own too.
   */
  record Owner(String tenant, String agent, String subtree) {
    String sessionsKey() {
      return tag() + ":sessions";
    }

    String holdsKey() {
      return tag() + ":holds";
    }

    private String tag() {
      // An agent id holds no ':', so the subtree after it cannot run into another owner's key.
      return "{chassis-mcp:" + tenant + ":" + agent + ":" + subtree + "}";
    }
  }

  /**
   * One use of a session that keeps it from being ended to make room for another: a running call,
   * or an open stream. Its id is unique to this node and use.
   */
  record Hold(Owner owner, String session, String id) {
    /** Its member in the holds' sorted set: the session id, a space, the hold id. */
    String member() {
      return session + ' ' + id;
    }
  }

  /** What opening a session gave. */
  sealed interface Opening {
    /**
     * @param ended the agent's idle sessions ended to make room, least recently used first
     */
    record Opened(String id, List<String> ended) implements Opening {
      public Opened {
        ended = List.copyOf(ended);
      }
    }

    /**
     * The agent has its maximum of live sessions and every one is held.
     *
     * @param soonestLapse when the soonest of the holds lapses unless its node renews it
     */
    record Full(Instant soonestLapse) implements Opening {}
  }

  /**
   * A new session speaking {@code version}, having ended the agent's least recently used idle
   * sessions if it was at its maximum; or that maximum reached with every session held.
   */
  Future<Opening> open(Owner owner, String version) {
    String id = newId() + '.' + version;
    Instant now = clock.instant();
    return redis
        .eval(
            OPEN,
            List.of(owner.sessionsKey(), owner.holdsKey()),
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
              List<String> ended = new ArrayList<>();
              for (int i = 1; i < reply.size(); i++) {
                ended.add(reply.get(i).toString());
                confirmed.remove(rememberKey(owner, reply.get(i).toString()));
              }
              remember(owner, id, now);
              return new Opening.Opened(id, ended);
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
            List.of(owner.sessionsKey()),
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
        .send(owner.sessionsKey(), Request.cmd(Command.ZREM).arg(owner.sessionsKey()).arg(id))
        .map(reply -> reply.toInteger() == 1);
  }

  /** A new hold on {@code session}, not yet taken: {@link #hold} takes it. */
  Hold newHold(Owner owner, String session) {
    return new Hold(owner, session, node + ':' + holds.incrementAndGet());
  }

  /**
   * Takes {@code hold}, or renews it, for another lease, and renews its session; false if the
   * session is not live (unknown, ended or expired), when nothing is held.
   */
  Future<Boolean> hold(Hold hold) {
    Owner owner = hold.owner();
    Instant now = clock.instant();
    return redis
        .eval(
            HOLD,
            List.of(owner.sessionsKey(), owner.holdsKey()),
            HOLD.args()
                .values()
                .put("session", hold.session())
                .put("hold", hold.member())
                .put("now_ms", now.toEpochMilli())
                .put("idle_ms", idleMillis())
                .put("lease_ms", holdLease.toMillis())
                .list())
        .map(reply -> reply.toInteger() == 1);
  }

  /** Gives {@code hold} up: its call or stream ended. */
  Future<Void> release(Hold hold) {
    String key = hold.owner().holdsKey();
    return redis.send(key, Request.cmd(Command.ZREM).arg(key).arg(hold.member())).mapEmpty();
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
    return owner.sessionsKey() + ' ' + id;
  }
}
