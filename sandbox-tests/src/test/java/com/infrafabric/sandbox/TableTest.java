package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests abusing tables: growth, declared size, bad indirect calls, shared limits. */
class TableTest extends EscapeTest {

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
  void tableGrowBeyondTheContractIsRefused() {
    ToolRef grow = host.register(Guests.fixture("table-grow-beyond.wat"), c -> c).ref();
    assertThat(host.invoke(grow, "{}").output()).isEqualTo("\"refused\"");
  }

  @Test
  void aModuleDeclaringATableLargerThanItsContractIsRefused() {
    byte[] module =
        Guests.wat(
            "(module (table 5000 funcref) (func (export \"run\") (result i32) i32.const 0))");
    assertThatThrownBy(() -> host.register(module, c -> c))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage(
            "module declares a table of 5000 entries, above the contract's table.maxEntries of 64");
  }

  @Test
  void regressionTableGrowthMustNotCarryOverToTheNextInstance() {
    // Chicory keeps table limits in the parsed module, which every instance shares; a table that
    // grew in one invocation must still start at its declared size in the next.
    ToolRef grow = host.register(Guests.fixture("table-grow.wat"), c -> c).ref();
    for (int i = 0; i < 3; i++) {
      InvocationResult result = host.invoke(grow, "{}");
      assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
      assertThat(result.message()).isEqualTo("the tool returned status 11");
    }
  }

  @Test
  void anIndirectCallOutOfTableBoundsTraps() {
    ToolRef abuse = host.register(Guests.fixture("table-abuse.wat"), c -> c).ref();
    assertThat(host.invoke(abuse, "\"o\"").outcome()).isEqualTo(Outcome.TRAP);
  }

  @Test
  void anIndirectCallThroughANullEntryTraps() {
    ToolRef abuse = host.register(Guests.fixture("table-abuse.wat"), c -> c).ref();
    assertThat(host.invoke(abuse, "\"n\"").outcome()).isEqualTo(Outcome.TRAP);
  }

  @Test
  void anIndirectCallWithTheWrongSignatureTraps() {
    ToolRef abuse = host.register(Guests.fixture("table-abuse.wat"), c -> c).ref();
    InvocationResult result = host.invoke(abuse, "\"t\"");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).contains("indirect call type mismatch");
  }
}
