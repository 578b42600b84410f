package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.OperatorConfig;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis dies while guests use kv: guests get UNAVAILABLE, state survives, the host recovers. */
class StoreOutageTest extends EscapeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @BeforeAll
  static void start() {
    host =
        TestChassis.start(
            REDIS.endpoint(),
            config ->
                config.sandbox(
                    new OperatorConfig.SandboxSettings(
                        2, 8, 64L << 20, 1L << 20, Duration.ofMillis(2), Duration.ofSeconds(30))),
            HostResolver.system());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void aGuestGetsUnavailableWhileRedisIsDownAndItsStateSurvivesTheCrash() {
    ToolRef kv = host.register(Guests.fixture("kv.wat"), c -> c.grantKv(1 << 16, 10)).ref();
    assertThat(host.invoke(kv, "\"w-durable\"").outcome()).isEqualTo(Outcome.SUCCESS);
    REDIS.killHard();
    try {
      InvocationResult during = host.invoke(kv, "\"r\"");
      assertThat(during.outcome()).isEqualTo(Outcome.TOOL_ERROR);
      assertThat(during.message()).isEqualTo("the tool returned status -7");
    } finally {
      REDIS.restart();
    }
    assertThat(host.invoke(kv, "\"r\"").output()).isEqualTo("\"w-durable\"");
  }
}
