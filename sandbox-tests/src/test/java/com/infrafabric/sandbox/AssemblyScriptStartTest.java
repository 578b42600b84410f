package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.ExampleBuilds;
import com.infrafabric.chassis.testing.ExampleBuilds.Language;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AssemblyScript runs a module's top-level code in its WebAssembly start function, while the
 * instance is being created and before {@code run}: the chassis holds that code to the same limits
 * as {@code run}, and runs it once per invocation (every invocation is a fresh instance).
 */
@Timeout(300)
class AssemblyScriptStartTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void aStartFunctionThatSpinsIsStoppedAtTheCpuLimit() {
    ToolRef spins =
        HOST.register(
                ExampleBuilds.module(Language.ASSEMBLYSCRIPT, "start_spins"),
                c -> c.limit("timeoutMs", null, 10_000).limit("cpuTimeMs", null, 150))
            .ref();
    InvocationResult result = HOST.invoke(spins, "{}");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.CPU_LIMIT);
    assertThat(result.message()).isEqualTo("the tool used more than 150 ms of CPU time");
    assertThat(result.report().cpuTime()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    assertThat(result.report().duration()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aStartFunctionThatEndsRunsOnceInEveryInvocationBeforeRun() {
    ToolRef runs =
        HOST.register(ExampleBuilds.module(Language.ASSEMBLYSCRIPT, "start_runs"), c -> c).ref();
    for (int i = 0; i < 2; i++) {
      InvocationResult result = HOST.invoke(runs, "{}");
      assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
      assertThat(result.output()).isEqualTo("{\"starts\":1,\"square9\":81}");
    }
  }
}
