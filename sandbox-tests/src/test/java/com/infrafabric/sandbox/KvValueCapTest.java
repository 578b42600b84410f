package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A value past the operator's cap is refused before it is read, whatever the contract's byte quota
 * allows: one large value would hold the Redis every tenant shares for as long as it travels.
 */
@Timeout(60)
class KvValueCapTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final int MAX_VALUE_BYTES = 64;

  private static TestChassis chassis;
  private static ToolRef kv;

  @BeforeAll
  static void start() {
    chassis =
        TestChassis.start(
            REDIS.endpoint(), c -> c.kvMaxValueBytes(MAX_VALUE_BYTES), HostResolver.system());
    kv = chassis.register(Guests.fixture("kv.wat"), c -> c.grantKv(1 << 20, 100)).ref();
  }

  @AfterAll
  static void stop() {
    chassis.close();
  }

  @Test
  void aValuePastTheCapIsRefusedAndNothingIsStored() {
    String atCap = "\"w" + "x".repeat(MAX_VALUE_BYTES - 3) + "\"";
    String pastCap = "\"w" + "y".repeat(MAX_VALUE_BYTES - 2) + "\"";

    assertThat(chassis.invoke(kv, atCap).outcome()).isEqualTo(Outcome.SUCCESS);
    InvocationResult refused = chassis.invoke(kv, pastCap);

    assertThat(refused.message()).isEqualTo("the tool returned status -4");
    assertThat(chassis.invoke(kv, "\"r\"").output()).isEqualTo(atCap);
  }
}
