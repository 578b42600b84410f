package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.http.ChassisStatus;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Floods of invocations: the admission queue and the global memory budget answer 429 at once. */
@Timeout(60)
class OverloadTest {

  // 1 thread + 2 queued; 4 MiB of guest memory: three 16-page guests and the 4-page probe fit.
  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> config.sandbox(SandboxHost.sandbox(1, 2, 4L << 20, Duration.ofSeconds(1), 100)),
          HostResolver.system());

  @Test
  void aFullQueueRejectsAtOnce() {
    ToolRef spin =
        HOST.register(Guests.fixture("spin.wat"), c -> c.limit("timeoutMs", null, 400)).ref();
    List<Future<InvocationResult>> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      admitted.add(HOST.chassis().invoke(spin, "{}", TestChassis.CONTEXT));
    }
    HOST.awaitAdmitted(3);
    InvocationResult rejected = HOST.invoke(spin, "{}");
    assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED_OVERLOAD);
    assertThat(ChassisStatus.of(rejected.outcome())).isEqualTo(429);
    assertThat(rejected.report().duration()).isLessThan(Duration.ofMillis(200));
    admitted.forEach(f -> assertThat(Await.result(f).outcome()).isEqualTo(Outcome.TIMEOUT));
  }

  @Test
  void aFullMemoryBudgetRejectsAtOnce() {
    ToolRef big =
        HOST.register(
                Guests.fixture("spin.wat"),
                c -> c.limit("timeoutMs", null, 400).limit("memory", "maxPages", 48))
            .ref();
    Future<InvocationResult> first = HOST.chassis().invoke(big, "{}", TestChassis.CONTEXT);
    HOST.awaitAdmitted(1);
    InvocationResult rejected = HOST.invoke(big, "{}");
    assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED_OVERLOAD);
    assertThat(rejected.message())
        .isEqualTo("the guest memory budget of 4194304 bytes is fully reserved");
    assertThat(Await.result(first).outcome()).isEqualTo(Outcome.TIMEOUT);
  }
}
