package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several nodes starting on one Redis: what they write there at start, and who may share it. */
@Timeout(120)
class SharedRedisStartTest {

  private static final int NODES = 4;

  @TempDir Path directory;

  /**
   * Regression: two local-mode nodes (each with its own data directory) on one external Redis both
   * started: each sealed the vault under keys the other cannot open, and each archived and trimmed
   * the one ledger into its own directory, so the other's reconciliation paged. The second is now
   * refused in one line naming the first; the first starts again on the same Redis.
   */
  @Test
  void aSecondLocalNodeOnOneRedisIsRefusedAndTheFirstMayRestart() throws Exception {
    try (ManagedRedisServer redis =
        ManagedRedisServer.builder(directory.resolve("redis")).build().start()) {
      Map<String, String> env = Map.of("REDIS_URL", LocalServe.redisUrl(redis.endpoint()));
      Path first = Files.createDirectories(directory.resolve("first"));
      Path second = Files.createDirectories(directory.resolve("second"));
      try (LocalServe node = LocalServe.start(first, env)) {
        Throwable refused = catchThrowable(() -> LocalServe.start(second, env).close());

        assertThat(refused).isNotNull();
        assertThat(Launcher.exitCodeFor(refused)).isEqualTo(2);
        assertThat(refused.getMessage())
            .doesNotContain("\n")
            .contains("already used by another local-mode node")
            .contains(node.data.resolve("ledger-archive").toString())
            .contains("its own Redis")
            .doesNotContain(redis.endpoint().password());
      }
      LocalServe.start(first, env).close();
    }
  }

  /**
   * Regression: every local node generated its vault key under the one id {@code local-1}, so
   * credentials sealed by one node were listed by another as sealed with its own key.
   */
  @Test
  void eachGeneratedVaultKeyHasItsOwnId() {
    List<String> ids =
        List.of("a", "b").stream()
            .map(name -> LocalKeys.ensure(directory.resolve(name)))
            .map(keys -> keys.publicFile().resolveSibling("vault-master.json"))
            .map(file -> MasterKeys.fromFile(file).currentKeyId())
            .toList();

    assertThat(ids.get(0)).startsWith("local-").isNotEqualTo(ids.get(1));
  }

  /**
   * Regression: nodes starting at once on an empty Redis each read pricing version 0 and then
   * published expecting 0; the losers exited with "pricing catalogue is at version 1, not the
   * expected 0". Every start-up write to the shared Redis must hold when N nodes make it at once:
   * the pricing seed and the local node's record.
   */
  @Test
  void nodesSeedingOneEmptyRedisAtOnceAllStart() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ManagedRedisServer redis =
            ManagedRedisServer.builder(directory.resolve("redis")).build().start();
        RedisStore store =
            RedisStore.create(
                vertx, RedisSettings.of(redis.endpoint()), new SimpleMeterRegistry())) {
      Await.result(store.load(PricingCatalogues.SCRIPTS));
      LocalNode node = new LocalNode("0123456789abcdef", "/var/infrafabric/ledger-archive");

      List<Long> versions =
          Concurrently.run(
              NODES,
              Duration.ofSeconds(60),
              i ->
                  () -> {
                    node.claim(store);
                    PricingCatalogues pricing = new PricingCatalogues(store);
                    ServeCommand.seedPricing(pricing);
                    return pricing.get().version();
                  });

      assertThat(versions).containsOnly(1L);
    } finally {
      Await.result(vertx.close());
    }
  }

  /** Of local nodes with different keys starting at once on one empty Redis, exactly one wins. */
  @Test
  void ofDifferentLocalNodesStartingAtOnceExactlyOneOwnsTheRedis() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ManagedRedisServer redis =
            ManagedRedisServer.builder(directory.resolve("redis")).build().start();
        RedisStore store =
            RedisStore.create(
                vertx, RedisSettings.of(redis.endpoint()), new SimpleMeterRegistry())) {
      List<Optional<Throwable>> outcomes =
          Concurrently.run(
              NODES,
              Duration.ofSeconds(60),
              i ->
                  () ->
                      Optional.ofNullable(
                          catchThrowable(
                              () ->
                                  new LocalNode("node" + i, "/data" + i + "/archive")
                                      .claim(store))));

      assertThat(outcomes).filteredOn(Optional::isEmpty).hasSize(1);
      assertThat(outcomes.stream().flatMap(Optional::stream).toList())
          .allSatisfy(
              refused ->
                  assertThat(refused)
                      .isInstanceOf(IllegalStateException.class)
                      .hasMessageContaining("already used by another local-mode node"));
    } finally {
      Await.result(vertx.close());
    }
  }
}
