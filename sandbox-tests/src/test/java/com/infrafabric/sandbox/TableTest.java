package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests abusing tables: growth, declared size, bad indirect calls, shared limits. */
@Timeout(60)
class TableTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void tableGrowBeyondTheContractIsRefused() {
    ToolRef grow = HOST.register(Guests.fixture("table-grow-beyond.wat"), c -> c).ref();
    assertThat(HOST.invoke(grow, "{}").output()).isEqualTo("\"refused\"");
  }

  @Test
  void aModuleDeclaringATableLargerThanItsContractIsRefused() {
    byte[] module =
        Guests.wat(
            "(module (table 5000 funcref) (func (export \"run\") (result i32) i32.const 0))");
    assertThatThrownBy(() -> HOST.register(module, c -> c))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage(
            "module declares a table of 5000 entries, above the contract's table.maxEntries of 64");
  }

  @Test
  void regressionTableGrowthMustNotCarryOverToTheNextInstance() {
    // Chicory keeps table limits in the parsed module, which every instance shares; a table that
    // grew in one invocation must still start at its declared size in the next.
    ToolRef grow = HOST.register(Guests.fixture("table-grow.wat"), c -> c).ref();
    for (int i = 0; i < 3; i++) {
      InvocationResult result = HOST.invoke(grow, "{}");
      assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
      assertThat(result.message()).isEqualTo("the tool returned status 11");
    }
  }

  @Test
  void regressionTableGrowByTwoToTheThirtyOneIsRefusedNotATrap() {
    // The runtime computes the new size in an int: a server error at first, then a TRAP, where
    // growth past the limits must return -1 as any other growth past them does.
    ToolRef grow = HOST.register(Guests.fixture("table-grow-max.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(grow, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("\"refused\"");
  }

  @Test
  void anIndirectCallOutOfTableBoundsTraps() {
    ToolRef abuse = HOST.register(Guests.fixture("table-abuse.wat"), c -> c).ref();
    assertThat(HOST.invoke(abuse, "\"o\"").outcome()).isEqualTo(Outcome.TRAP);
  }

  @Test
  void anIndirectCallThroughANullEntryTraps() {
    ToolRef abuse = HOST.register(Guests.fixture("table-abuse.wat"), c -> c).ref();
    assertThat(HOST.invoke(abuse, "\"n\"").outcome()).isEqualTo(Outcome.TRAP);
  }

  @Test
  void anIndirectCallWithTheWrongSignatureTraps() {
    ToolRef abuse = HOST.register(Guests.fixture("table-abuse.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(abuse, "\"t\"");
    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.message()).contains("indirect call type mismatch");
  }
}
