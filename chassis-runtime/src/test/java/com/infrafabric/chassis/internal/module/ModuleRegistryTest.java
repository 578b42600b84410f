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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
