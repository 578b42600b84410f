package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis dies while guests use kv: guests get UNAVAILABLE, state survives, the host recovers. */
@Timeout(60)
class StoreOutageTest {

  // A long tool cache TTL, so the tool itself is still known while Redis is down.
  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config.sandbox(SandboxHost.sandbox(2, 8, 64L << 20, Duration.ofSeconds(30), 100)),
          HostResolver.system());

  @Test
  void aGuestGetsUnavailableWhileRedisIsDownAndItsStateSurvivesTheCrash() {
    ToolRef kv = HOST.register(Guests.fixture("kv.wat"), c -> c.grantKv(1 << 16, 10)).ref();
    assertThat(HOST.invoke(kv, "\"w-durable\"").outcome()).isEqualTo(Outcome.SUCCESS);
    HOST.redis().killHard();
    try {
      InvocationResult during = HOST.invoke(kv, "\"r\"");
      assertThat(during.outcome()).isEqualTo(Outcome.TOOL_ERROR);
      assertThat(during.message()).isEqualTo("the tool returned status -7");
    } finally {
      HOST.redis().restart();
    }
    assertThat(HOST.invoke(kv, "\"r\"").output()).isEqualTo("\"w-durable\"");
  }
}
