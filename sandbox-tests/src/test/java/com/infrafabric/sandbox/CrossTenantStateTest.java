package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.Concurrently;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** State that must never cross tenants, tools or invocations. */
@Timeout(60)
class CrossTenantStateTest {

  private static final InvocationContext TENANT_B =
      new InvocationContext("tenant-b", "agent-9", "inv-9");

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void anotherTenantCannotReadATenantsKeys() {
    ToolRef kv = kvTool(1 << 16, 100);
    assertThat(HOST.invoke(kv, "\"w-tenant-a-secret\"").outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(HOST.invoke(kv, "\"r\"").output()).isEqualTo("\"w-tenant-a-secret\"");
    InvocationResult other = HOST.invoke(kv, "\"r\"", TENANT_B);
    assertThat(other.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(other.message()).isEqualTo("the tool returned status -2");
    assertThat(HOST.invoke(kv, "\"l\"", TENANT_B).output()).isEqualTo("[]");
  }

  @Test
  void anotherToolCannotReadATenantsKeys() {
    ToolRef writer = kvTool(1 << 16, 100);
    ToolRef reader = kvTool(1 << 16, 100);
    HOST.invoke(writer, "\"w-writer-secret\"");
    assertThat(HOST.invoke(reader, "\"r\"").message()).isEqualTo("the tool returned status -2");
  }

  @Test
  void concurrentWritersCannotOvershootTheKeyQuota() throws Exception {
    ToolRef kv = kvTool(1 << 20, 5);
    List<InvocationResult> results =
        Concurrently.run(8, Duration.ofSeconds(20), i -> () -> HOST.invoke(kv, "\"k" + i + "\""));
    assertThat(results.stream().filter(r -> r.outcome() == Outcome.SUCCESS)).hasSize(5);
    assertThat(results.stream().filter(r -> r.message().equals("the tool returned status -4")))
        .hasSize(3);
  }

  @Test
  void aValueAboveTheByteQuotaIsRefusedAndNothingIsStored() {
    ToolRef kv = kvTool(32, 100);
    InvocationResult result = HOST.invoke(kv, "\"w" + "x".repeat(40) + "\"");
    assertThat(result.message()).isEqualTo("the tool returned status -4");
    assertThat(HOST.invoke(kv, "\"l\"").output()).isEqualTo("[]");
  }

  @Test
  void overlappingKeyAndValueRangesAreCopiedNotAliased() {
    ToolRef kv = kvTool(1 << 16, 100);
    InvocationResult result = HOST.invoke(kv, "\"overlap\"");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("\"overlap\"");
  }

  @Test
  void everyInvocationGetsAFreshInstanceWithFreshMemoryAndGlobals() {
    ToolRef residue = HOST.register(Guests.fixture("memory-residue.wat"), c -> c).ref();
    for (int i = 0; i < 3; i++) {
      InvocationResult result = HOST.invoke(residue, "{\"run\":" + i + "}");
      assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    }
  }

  private static ToolRef kvTool(long maxBytes, int maxKeys) {
    return HOST.register(Guests.fixture("kv.wat"), c -> c.grantKv(maxBytes, maxKeys)).ref();
  }
}
