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
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests that try to exhaust the stack of the thread they run on. */
class StackTest extends EscapeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @BeforeAll
  static void start() {
    host = TestChassis.start(REDIS.endpoint(), EscapeTest::testSandbox, HostResolver.system());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void unboundedRecursionIsATrapNotACrash() {
    ToolRef deep = host.register(Guests.fixture("recursion.wat"), c -> c).ref();
    InvocationResult result = host.invoke(deep, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).isEqualTo("call stack exhausted");
  }

  @Test
  void mutualRecursionThroughTheTableIsATrapToo() {
    ToolRef deep = host.register(Guests.fixture("indirect-recursion.wat"), c -> c).ref();
    InvocationResult result = host.invoke(deep, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).isEqualTo("call stack exhausted");
  }

  @Test
  void guestThreadsStayUsableAfterRepeatedStackExhaustion() {
    ToolRef deep = host.register(Guests.fixture("recursion.wat"), c -> c).ref();
    for (int i = 0; i < 6; i++) {
      assertThat(host.invoke(deep, "{}").outcome()).isEqualTo(Outcome.TRAP);
    }
  }
}
