package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.ratelimit.RateLimiter;
import com.infrafabric.platform.redis.RedisEndpoint.Address;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class ClusterRedisStoreTest {

  @RegisterExtension static final RedisClusterExtension CLUSTER = RedisClusterExtension.create();

  private static final LuaScript INCR_BY = OpenStore.INCR_BY;
  private static final LuaScript COPY =
      LuaScript.of("copy", "return redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]))");

  private static OpenStore opened;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    opened =
        OpenStore.open(
            RedisSettings.of(CLUSTER.endpoint()).withCommandTimeout(Duration.ofSeconds(2)));
    store = opened.store();
  }

  @AfterAll
  static void close() {
    opened.close();
  }

  @Test
  void runsEachTenantsScriptOnTheMasterOfItsSlot() {
    assertEachTenantsScriptRunsOnTheMasterOfItsSlot("t", Supplier::get);
  }

  @Test
  void runsEachTenantsScriptFromAnEventLoopOnTheMasterOfItsSlot() {
    Context loop = EventLoops.distinct(opened.vertx(), 1).get(0);
    assertEachTenantsScriptRunsOnTheMasterOfItsSlot("loop", script -> EventLoops.on(loop, script));
  }

  /**
   * Thirty tenants' scripts, each sent by {@code caller}, land on the master of the tenant's slot,
   * spread over every master.
   */
  private static void assertEachTenantsScriptRunsOnTheMasterOfItsSlot(
      String prefix, Function<Supplier<Future<Response>>, Future<Response>> caller) {
    List<String> keys = IntStream.range(0, 30).mapToObj(i -> "{" + prefix + i + "}:n").toList();
    for (String key : keys) {
      assertThat(
              Await.result(caller.apply(() -> store.eval(INCR_BY, List.of(key), List.of("7"))))
                  .toLong())
          .isEqualTo(7);
    }
    Set<Integer> masters =
        keys.stream()
            .map(CLUSTER::masterOf)
            .map(m -> m.endpoint().port())
            .collect(Collectors.toSet());
    assertThat(masters).as("the tenants spread over every master").hasSize(3);
    for (String key : keys) {
      assertThat(CLUSTER.cli(CLUSTER.masterOf(key), "GET", key).strip()).isEqualTo("7");
    }
  }

  @Test
  void loadsScriptsOnEveryMasterAndReloadsThemWhereOneForgotThem() {
    Await.result(store.load(List.of(INCR_BY)));
    assertThat(Await.result(store.hasScripts(List.of(INCR_BY)))).isTrue();
    String key = "{forgetful}:n";
    CLUSTER.cli(CLUSTER.masterOf(key), "SCRIPT", "FLUSH");
    assertThat(Await.result(store.hasScripts(List.of(INCR_BY)))).isFalse();

    assertThat(Await.result(store.eval(INCR_BY, List.of(key), List.of("2"))).toLong()).isEqualTo(2);
    assertThat(Await.result(store.hasScripts(List.of(INCR_BY)))).isTrue();
  }

  @Test
  void loadsFunctionsOnEveryMasterAndReloadsThemWhereOneForgotThem() {
    Await.result(store.load(List.of(OpenStore.ADD)));
    assertThat(Await.result(store.hasScripts(List.of(OpenStore.ADD)))).isTrue();
    String key = "{forgetful-function}:n";
    CLUSTER.cli(CLUSTER.masterOf(key), "FUNCTION", "FLUSH");
    assertThat(Await.result(store.hasScripts(List.of(OpenStore.ADD)))).isFalse();

    assertThat(Await.result(store.eval(OpenStore.ADD, List.of(key), List.of("2"))).toLong())
        .isEqualTo(2);
    assertThat(Await.result(store.hasScripts(List.of(OpenStore.ADD)))).isTrue();
  }

  @Test
  void refusesAScriptWhoseKeysLieInTwoSlotsBeforeSendingIt() {
    assertThatThrownBy(() -> store.eval(COPY, List.of("{a}:x", "{b}:x"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("script copy touches {a}:x and {b}:x in different hash slots");
  }

  @Test
  void followsMovedWhenACommandReachesTheWrongMaster() {
    int anyMaster = CLUSTER.masterOfSlot(0).endpoint().port();
    String key =
        IntStream.range(0, 100)
            .mapToObj(i -> "{moved" + i + "}:k")
            .filter(k -> CLUSTER.masterOf(k).endpoint().port() != anyMaster)
            .findFirst()
            .orElseThrow();
    Await.result(store.send(key, Request.cmd(Command.SET).arg(key).arg("v")));

    assertThat(Await.result(store.send(Request.cmd(Command.GET).arg(key))).toString())
        .as("sent without its key, to the master of slot 0, and redirected")
        .isEqualTo("v");
  }

  @Test
  void scansTheMatchingKeysOfEveryMaster() {
    List<String> written = IntStream.range(0, 60).mapToObj(i -> "{scanned" + i + "}:k").toList();
    for (String key : written) {
      Await.result(store.send(key, Request.cmd(Command.SET).arg(key).arg("v")));
      String other = "{unmatched" + key + "}";
      Await.result(store.send(other, Request.cmd(Command.SET).arg(other).arg("v")));
    }
    assertThat(written.stream().map(k -> CLUSTER.masterOf(k).endpoint().port()).distinct())
        .as("the keys lie on more than one master")
        .hasSizeGreaterThan(1);

    Set<String> seen = ConcurrentHashMap.newKeySet();
    Await.result(
        store.scan(
            "{scanned*}:k",
            page -> {
              seen.addAll(page);
              return Future.succeededFuture();
            }));

    assertThat(seen).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void parsesTheClusterUrl() {
    RedisEndpoint endpoint = CLUSTER.endpoint();
    String url =
        "redis-cluster://:"
            + endpoint.password()
            + "@"
            + endpoint.addresses().stream().map(Address::toString).collect(Collectors.joining(","));
    assertThat(RedisEndpoint.parse(url)).isEqualTo(endpoint);
  }

  @Test
  void twoNodesShareOneRateLimitPerPrincipalOnTheCluster() throws Exception {
    RedisStore other =
        RedisStore.create(
            opened.vertx(),
            RedisSettings.of(CLUSTER.endpoint()).withCommandTimeout(Duration.ofSeconds(2)),
            new SimpleMeterRegistry());
    try {
      MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
      RateLimitPolicy policy =
          RateLimitPolicy.uniform("cluster", new RateLimit(5, 5, Duration.ofMinutes(1)));
      List<RateLimiter> nodes =
          List.of(
              RateLimiter.create(store, policy, clock, new SimpleMeterRegistry()),
              RateLimiter.create(other, policy, clock, new SimpleMeterRegistry()));
      List<Principal> principals =
          IntStream.range(0, 6).mapToObj(i -> Principal.of("agent-" + i, Set.of())).toList();

      List<Integer> allowed =
          Concurrently.run(
              12,
              Duration.ofSeconds(30),
              i ->
                  () -> {
                    int mine = 0;
                    for (int n = 0; n < 20; n++) {
                      Principal principal = principals.get((i + n) % principals.size());
                      if (Await.result(nodes.get(n % 2).tryConsume(principal, 1)).allowed()) {
                        mine++;
                      }
                    }
                    return mine;
                  });

      assertThat(allowed.stream().mapToInt(Integer::intValue).sum())
          .as("five per principal, whichever node and master served them")
          .isEqualTo(5 * principals.size());
    } finally {
      other.close();
    }
  }
}
