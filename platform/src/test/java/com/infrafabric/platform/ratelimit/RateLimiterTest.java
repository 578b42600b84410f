package com.infrafabric.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class RateLimiterTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final RateLimit FIVE_PER_MINUTE = new RateLimit(5, 5, Duration.ofMinutes(1));

  private static Vertx vertx;
  private static RedisStore nodeA;
  private static RedisStore nodeB;
  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    RedisSettings settings =
        RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofSeconds(2));
    nodeA = RedisStore.create(vertx, settings, new SimpleMeterRegistry());
    nodeB = RedisStore.create(vertx, settings, new SimpleMeterRegistry());
    Await.result(nodeA.roundTrip());
    Await.result(nodeB.roundTrip());
  }

  @AfterAll
  static void close() {
    nodeA.close();
    nodeB.close();
    Await.result(vertx.close());
  }

  @Test
  void twoNodesShareOneLimitPerPrincipal() throws Exception {
    RateLimiter first = limiter(nodeA, "shared");
    RateLimiter second = limiter(nodeB, "shared");
    Principal alice = Principal.of("alice", Set.of());

    List<Boolean> allowed =
        Concurrently.run(
            10,
            Duration.ofSeconds(20),
            i -> () -> Await.result((i % 2 == 0 ? first : second).tryConsume(alice, 1)).allowed());

    assertThat(allowed).filteredOn(a -> a).hasSize(5);
    assertThat(Await.result(second.tryConsume(Principal.of("bob", Set.of()), 1)).allowed())
        .isTrue();
  }

  /**
   * Regression: Bucket4j keeps a bucket's configuration with its state in Redis, so a limit an
   * operator lowered (and restarted every node with) never held for a caller whose bucket was still
   * there: a probe's agent went on at the old 1,200 a minute past a new 60 an hour. A node started
   * on the new limit, as a restart starts it, refuses at the new limit.
   */
  @Test
  void aChangedLimitHoldsForACallerWhoseBucketWasMadeUnderTheOldOne() {
    Principal agent = Principal.of("agent-of-a-changed-limit", Set.of());
    RateLimiter before =
        RateLimiter.create(
            nodeA, RateLimitPolicy.uniform("agent", RateLimit.perMinute(1_000)), clock, meters);
    assertThat(Await.result(before.tryConsume(agent, 1)).allowed()).isTrue();

    RateLimiter after =
        RateLimiter.create(
            nodeB,
            RateLimitPolicy.uniform("agent", new RateLimit(3, 3, Duration.ofHours(1))),
            clock,
            meters);
    List<Boolean> allowed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      allowed.add(Await.result(after.tryConsume(agent, 1)).allowed());
    }

    assertThat(allowed).containsExactly(true, true, true, false, false);
  }

  /** Regression: 16 concurrent requests of one agent exhausted the compare-and-swap retries. */
  @Test
  void manyConcurrentRequestsOfOnePrincipalOnOneNodeAreAllCounted() {
    RateLimiter limiter =
        RateLimiter.create(
            nodeA, RateLimitPolicy.uniform("burst", RateLimit.perMinute(1_000)), clock, meters);
    Principal busy = Principal.of("busy-agent", Set.of());

    List<Future<RateDecision>> inFlight = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      inFlight.add(limiter.tryConsume(busy, 1));
    }
    Await.result(Future.join(inFlight));

    assertThat(inFlight).allSatisfy(f -> assertThat(f.succeeded()).as("%s", f.cause()).isTrue());
    assertThat(inFlight).allSatisfy(f -> assertThat(f.result().allowed()).isTrue());
    assertThat(Await.result(limiter.tryConsume(busy, 1)).remaining()).isEqualTo(1_000 - 101);
  }

  @Test
  void aCallerServedByOneNodeCostsOneRoundTripPerRequest() {
    RateLimiter limiter =
        RateLimiter.create(
            nodeA, RateLimitPolicy.uniform("one-trip", RateLimit.perMinute(1_000)), clock, meters);
    Principal steady = Principal.of("steady-agent", Set.of());
    Await.result(limiter.tryConsume(steady, 1));
    CommandCounts before = CommandCounts.now();

    for (int i = 0; i < 10; i++) {
      assertThat(Await.result(limiter.tryConsume(steady, 1)).allowed()).isTrue();
    }

    CommandCounts sent = CommandCounts.now().minus(before);
    assertThat(sent.reads()).isZero();
    assertThat(sent.swaps()).isEqualTo(10);
    assertThat(Await.result(limiter.tryConsume(steady, 1)).remaining()).isEqualTo(1_000 - 12);
  }

  /** Each node's remembered state is stale on every turn: the swap must refuse and retry. */
  @Test
  void nodesTakingTurnsOnOneBucketKeepTheLimitExact() {
    RateLimiter first = limiter(nodeA, "turns");
    RateLimiter second = limiter(nodeB, "turns");
    Principal alice = Principal.of("alice", Set.of());

    List<Long> remaining = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RateDecision decision = Await.result((i % 2 == 0 ? first : second).tryConsume(alice, 1));
      remaining.add(decision.allowed() ? decision.remaining() : -1);
    }

    assertThat(remaining).containsExactly(4L, 3L, 2L, 1L, 0L, -1L, -1L, -1L);
  }

  /**
   * A bucket removed behind the nodes' backs starts full: at once on a node that has not refused
   * it, and within a second on the node that did (its refusal stands there that long, see the next
   * test).
   */
  @Test
  void aBucketRemovedBehindTheNodesBackStartsFull() {
    RateLimiter limiter = limiter(nodeA, "removed");
    Principal alice = Principal.of("alice", Set.of());
    for (int i = 0; i < 5; i++) {
      Await.result(limiter.tryConsume(alice, 1));
    }
    RateDecision refused = Await.result(limiter.tryConsume(alice, 1));
    assertThat(refused.allowed()).isFalse();

    String key =
        SharedBuckets.storedKey(
            limiter.key(alice, RateLimitPolicy.uniform("removed", FIVE_PER_MINUTE).select(alice)),
            FIVE_PER_MINUTE);
    Await.result(nodeB.send(Request.cmd(Command.DEL).arg(key)));

    RateDecision elsewhere = Await.result(limiter(nodeB, "removed").tryConsume(alice, 1));
    assertThat(elsewhere.allowed()).isTrue();
    assertThat(elsewhere.remaining()).isEqualTo(4);
    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isTrue();
  }

  /**
   * Once Redis refused a bucket, the requests that follow within a second are refused by the node
   * alone, already decided when asked, with what is left of the wait: a flood past its limit costs
   * the store one round trip a second, not one a request.
   */
  @Test
  void aRefusalStandsOnTheNodeForItsWaitWithoutAskingRedis() {
    RateLimiter limiter = limiter(nodeA, "standing");
    Principal alice = Principal.of("alice", Set.of());
    for (int i = 0; i < 5; i++) {
      Await.result(limiter.tryConsume(alice, 1));
    }
    RateDecision refused = Await.result(limiter.tryConsume(alice, 1));
    long calls = commandCalls();

    clock.advance(Duration.ofMillis(900));
    Future<RateDecision> again = limiter.tryConsume(alice, 1);

    assertThat(again.isComplete()).isTrue();
    assertThat(again.result().allowed()).isFalse();
    assertThat(again.result().retryAfter()).isEqualTo(refused.retryAfter().minusMillis(900));
    assertThat(commandCalls()).isEqualTo(calls);
    clock.advance(Duration.ofMillis(100));
    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isFalse();
    assertThat(commandCalls()).isGreaterThan(calls);
  }

  /** How many commands the server ran, INFO aside, from INFO commandstats. */
  private static long commandCalls() {
    String stats =
        Await.result(nodeA.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    long calls = 0;
    for (String line : stats.split("\\r?\\n")) {
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
        calls += Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
      }
    }
    return calls;
  }

  @Test
  void refusesWithTheTimeUntilTheNextTokenAndCountsTheRefusal() {
    RateLimiter limiter = limiter(nodeA, "refusal");
    Principal alice = Principal.of("alice", Set.of());
    for (int i = 0; i < 5; i++) {
      assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isTrue();
    }

    RateDecision refused = Await.result(limiter.tryConsume(alice, 1));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(12));
    assertThat(meters.counter("ratelimit.rejections", "limit", "default").count()).isEqualTo(1);
  }

  /**
   * Two tenants' tokens that share a subject (or a tenant's and a platform token's) are two
   * callers: one spending its bucket never refuses the other's first request.
   */
  @Test
  void aSubjectInAnotherTenantIsAnotherCaller() {
    RateLimiter limiter = limiter(nodeA, "tenants");
    Principal inAcme = confined("agent-1", "acme");
    for (int i = 0; i < 5; i++) {
      assertThat(Await.result(limiter.tryConsume(inAcme, 1)).allowed()).isTrue();
    }
    assertThat(Await.result(limiter.tryConsume(inAcme, 1)).allowed()).isFalse();

    assertThat(Await.result(limiter.tryConsume(confined("agent-1", "globex"), 1)).allowed())
        .isTrue();
    assertThat(Await.result(limiter.tryConsume(Principal.of("agent-1", Set.of()), 1)).allowed())
        .isTrue();
    assertThat(Await.result(limiter.tryConsume(confined("agent-1", "acme"), 1)).allowed())
        .as("the same caller again")
        .isFalse();
  }

  private static Principal confined(String subject, String scope) {
    return new Principal(subject, Set.of(), Map.of(Principal.SCOPE, scope), Map.of());
  }

  @Test
  void refillsAsTheInjectedClockMoves() {
    RateLimiter limiter = limiter(nodeA, "refill");
    Principal alice = Principal.of("alice", Set.of());
    for (int i = 0; i < 5; i++) {
      Await.result(limiter.tryConsume(alice, 1));
    }
    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isFalse();

    clock.advance(Duration.ofSeconds(12));

    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isTrue();
    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isFalse();
  }

  @Test
  void givesARoleItsOwnLargerBucketAndExpiresIdleBuckets() {
    RateLimitPolicy policy =
        new RateLimitPolicy(
            "roles",
            FIVE_PER_MINUTE,
            Map.of("admin", RateLimit.perMinute(50), "agent", FIVE_PER_MINUTE));
    RateLimiter limiter = RateLimiter.create(nodeA, policy, clock, meters);
    Principal admin = Principal.of("root", Set.of("agent", "admin"));

    RateDecision decision = Await.result(limiter.tryConsume(admin, 1));

    assertThat(decision.limitName()).isEqualTo("role-admin");
    assertThat(decision.remaining()).isEqualTo(49);
    String key =
        SharedBuckets.storedKey(limiter.key(admin, policy.select(admin)), RateLimit.perMinute(50));
    long ttl = Await.result(nodeA.send(Request.cmd(Command.PTTL).arg(key))).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2).toMillis());
  }

  @Test
  void failsClosedWhileRedisIsDownAndRecoversWhenItReturns() {
    RateLimiter limiter = limiter(nodeA, "outage");
    Principal alice = Principal.of("alice", Set.of());
    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isTrue();

    REDIS.killHard();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> Await.result(limiter.tryConsume(alice, 1)))
          .isInstanceOf(RedisUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      REDIS.restart();
    }

    assertThat(Await.result(limiter.tryConsume(alice, 1)).allowed()).isTrue();
  }

  /**
   * The bucket reads and swaps clients sent the test server, from {@code INFO commandstats}. Redis
   * counts there the commands a script runs too, and {@code bucket_cas} runs one {@code GET} per
   * call, so the reads clients sent are the {@code GET}s less the scripts.
   */
  private record CommandCounts(long reads, long swaps) {

    static CommandCounts now() {
      String stats =
          Await.result(nodeA.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
      long scripts = calls(stats, "evalsha") + calls(stats, "eval");
      return new CommandCounts(calls(stats, "get") - scripts, scripts);
    }

    CommandCounts minus(CommandCounts earlier) {
      return new CommandCounts(reads - earlier.reads, swaps - earlier.swaps);
    }

    /**
     * The {@code calls=} field only: the line also has {@code rejected_calls} and {@code
     * failed_calls}.
     */
    private static long calls(String stats, String command) {
      Matcher calls =
          Pattern.compile("^cmdstat_" + command + ":calls=(\\d+),", Pattern.MULTILINE)
              .matcher(stats);
      return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
  }

  private RateLimiter limiter(RedisStore store, String prefix) {
    return RateLimiter.create(
        store, RateLimitPolicy.uniform(prefix, FIVE_PER_MINUTE), clock, meters);
  }
}
