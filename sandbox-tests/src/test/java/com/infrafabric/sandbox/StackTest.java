package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests that try to exhaust the stack of the thread they run on. */
@Timeout(60)
class StackTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void unboundedRecursionIsATrapNotACrash() {
    ToolRef deep = HOST.register(Guests.fixture("recursion.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(deep, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).isEqualTo("call stack exhausted");
  }

  @Test
  void mutualRecursionThroughTheTableIsATrapToo() {
    ToolRef deep = HOST.register(Guests.fixture("indirect-recursion.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(deep, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).isEqualTo("call stack exhausted");
  }

  @Test
  void guestThreadsStayUsableAfterRepeatedStackExhaustion() {
    ToolRef deep = HOST.register(Guests.fixture("recursion.wat"), c -> c).ref();
    for (int i = 0; i < 6; i++) {
      assertThat(HOST.invoke(deep, "{}").outcome()).isEqualTo(Outcome.TRAP);
    }
  }
}
