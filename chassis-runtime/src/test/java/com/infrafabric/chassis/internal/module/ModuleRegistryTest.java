package com.infrafabric.chassis.internal.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.ToolConflictException;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tool name's owner is recorded in the step that stores its first version: publishers racing for
 * a new name cannot both get versions of it in.
 */
@Timeout(60)
class ModuleRegistryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final byte[] MODULE = {0, 97, 115, 109, 1, 0, 0, 0};

  private static Vertx vertx;
  private static RedisStore redis;
  private static ModuleRegistry registry;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
    registry = new ModuleRegistry(redis);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().await();
  }

  @Test
  void publishersRacingForANewNameLeaveItToOne() throws InterruptedException {
    List<String> outcomes =
        Concurrently.run(16, Duration.ofSeconds(30), i -> () -> store(i, i % 2 == 0 ? "a" : "b"));

    List<String> stored = outcomes.stream().filter(o -> !o.equals("refused")).toList();
    assertThat(stored).hasSize(8);
    assertThat(stored).containsOnly(stored.get(0));
  }

  /**
   * Regression: a module went to Redis as one argument of the registration script, so three 8 MiB
   * publications at once held the shared Redis for over a second. It now goes in pieces no longer
   * than {@link ModuleRegistry#UPLOAD_PIECE}, and comes back whole; no upload key is left.
   */
  @Test
  void aModuleOfManyPiecesIsStoredWholeAndLeavesNoUploadBehind() {
    byte[] large = new byte[ModuleRegistry.UPLOAD_PIECE * 2];
    new Random(7).nextBytes(large);
    ModuleDigest digest = ModuleDigest.of(large);
    ToolRef ref = new ToolRef("large", "1.0.0");

    Await.result(registry.store(ref, digest, large, "jws", "terms", "p", "p-key", Instant.EPOCH));
    Await.result(registry.store(ref, digest, large, "jws", "terms", "p", "p-key", Instant.EPOCH));

    assertThat(Await.result(registry.module(digest)))
        .hasValueSatisfying(stored -> assertThat(stored).isEqualTo(large));
    assertThat(keys("{chassis}:upload:*")).isEmpty();
    assertThat(
            Await.result(
                redis.send(Request.cmd(Command.TTL).arg("{chassis}:module:" + digest.hex()))))
        .hasToString("-1");
  }

  private static List<String> keys(String pattern) {
    List<String> keys = new ArrayList<>();
    Await.result(redis.send(Request.cmd(Command.KEYS).arg(pattern)))
        .forEach(k -> keys.add(k.toString()));
    return keys;
  }

  /** Stores version 1.0.{@code i} of one tool as {@code publisher}'s; what became of it. */
  private static String store(int i, String publisher) {
    try {
      Await.result(
          registry.store(
              new ToolRef("raced", "1.0." + i),
              ModuleDigest.of(MODULE),
              MODULE,
              "jws-" + i,
              "terms-" + i,
              publisher,
              publisher + "-key",
              Instant.EPOCH));
      return publisher;
    } catch (ToolConflictException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.TOOL_OWNED_BY_ANOTHER_PUBLISHER);
      return "refused";
    }
  }
}
