package com.infrafabric.benchmarks.chassis;

import com.infrafabric.benchmarks.TempDirectory;
import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;

/**
 * A whole chassis for a benchmark: a private redis-server in a temporary directory (deleted on
 * close), the operator's defaults and one trusted publisher. Registers tools under contracts it
 * signs and invokes them synchronously.
 */
final class BenchChassis implements AutoCloseable {

  static final InvocationContext CONTEXT = new InvocationContext("bench", "agent", "invocation");
  private static final Duration SETUP_PATIENCE = Duration.ofSeconds(5);

  private final TempDirectory redisData = TempDirectory.create("bench-redis-");
  private final Publisher publisher = Publisher.generate("bench");
  private ManagedRedisServer redisServer;
  private Vertx vertx;
  private RedisStore redis;
  private Chassis chassis;

  private BenchChassis() {}

  /**
   * Starts one with the operator's default guest spin, or {@code guestSpin} when present; whatever
   * started is stopped again if a later part fails.
   */
  static BenchChassis start(Optional<Duration> guestSpin) {
    BenchChassis bench = new BenchChassis();
    try {
      bench.redisServer = ManagedRedisServer.builder(bench.redisData.path()).build().start();
      bench.vertx = Vertx.vertx();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      bench.redis = RedisStore.create(bench.vertx, redisSettings(bench.redisServer), meters);
      bench.chassis =
          Chassis.builder()
              .config(operatorSettings(bench.publisher, guestSpin))
              .vertx(bench.vertx)
              .redis(bench.redis)
              .meters(meters)
              .build();
      return bench;
    } catch (RuntimeException e) {
      bench.close();
      throw e;
    }
  }

  private static OperatorSettings operatorSettings(
      Publisher publisher, Optional<Duration> guestSpin) {
    OperatorSettings.Builder settings =
        OperatorSettings.builder().trustedPublishersJwks(Publisher.jwks(publisher));
    OperatorSettings defaults = settings.build();
    return guestSpin
        .map(spin -> settings.sandbox(defaults.sandbox().withGuestSpin(spin)).build())
        .orElse(defaults);
  }

  /**
   * The store's defaults but a longer command deadline: on a busy machine a set-up command (loading
   * the scripts, the first registration) can miss one second while the JVM warms up, and a
   * benchmark should measure, not fail its set-up. Measured invocations of these tools make no call
   * that comes near it.
   */
  private static RedisSettings redisSettings(ManagedRedisServer server) {
    return RedisSettings.of(server.endpoint()).withCommandTimeout(SETUP_PATIENCE);
  }

  /** Registers {@code module} under {@code contractJson}, signed by the trusted publisher. */
  ToolRef register(byte[] module, String contractJson) {
    return chassis
        .register(module, publisher.sign(contractJson))
        .toCompletionStage()
        .toCompletableFuture()
        .join()
        .ref();
  }

  InvocationResult invoke(ToolRef tool, String input) {
    return chassis.invoke(tool, input, CONTEXT).toCompletionStage().toCompletableFuture().join();
  }

  /** Invokes {@code tool} once and fails unless it succeeds: a benchmark's set-up check. */
  void check(ToolRef tool, String input) {
    InvocationResult result = invoke(tool, input);
    if (result.outcome() != Outcome.SUCCESS) {
      throw new IllegalStateException("benchmark tool did not succeed: " + result);
    }
  }

  @Override
  public void close() {
    if (chassis != null) {
      chassis.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (redisServer != null) {
      redisServer.close();
    }
    redisData.close();
  }
}
