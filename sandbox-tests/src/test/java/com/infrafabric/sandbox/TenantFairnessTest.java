package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.Future;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One tenant cannot take what the node's tenants share: with the operator's default share (half), a
 * tenant's long-running guests hold at most half the guest threads and its invocations at most half
 * the admitted places and memory, so another tenant's call runs at once; what a tenant queues
 * behind its own guests is answered at its deadline, not when a thread frees up.
 */
@Timeout(60)
class TenantFairnessTest {

  // Two guest threads, 8 queued, 64 MiB of guest memory, half of each for one tenant.
  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> config.sandbox(SandboxHost.sandbox(2, 8, 64L << 20, Duration.ofSeconds(1), 50)),
          HostResolver.system());

  private static final InvocationContext HOG = new InvocationContext("hog", "agent-1", "inv-1");
  private static final InvocationContext OTHER = new InvocationContext("other", "agent-2", "inv-2");

  @Test
  void oneTenantsLongGuestsLeaveAThreadForAnotherTenant() {
    ToolRef spin =
        HOST.register(
                Guests.fixture("spin.wat"),
                c -> c.limit("timeoutMs", null, 3000).limit("cpuTimeMs", null, 3000))
            .ref();
    // The queued call's deadline passes well before the running one's: with equal deadlines the
    // first's thread could free up just before the second's came, and the second would start.
    ToolRef shortSpin =
        HOST.register(
                Guests.fixture("spin.wat"),
                c -> c.limit("timeoutMs", null, 1000).limit("cpuTimeMs", null, 1000))
            .ref();
    ToolRef echo = HOST.register(Guests.fixture("examples/wat/echo.wat"), c -> c).ref();
    Future<InvocationResult> first = HOST.chassis().invoke(spin, "{}", HOG);
    Future<InvocationResult> second = HOST.chassis().invoke(shortSpin, "{}", HOG);
    HOST.awaitAdmitted(2);

    InvocationResult other = HOST.invoke(echo, "{\"q\":1}", OTHER);
    assertThat(other.outcome()).as(other.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(other.report().duration()).isLessThan(Duration.ofMillis(1500));

    assertThat(Await.result(first).outcome()).isEqualTo(Outcome.TIMEOUT);
    InvocationResult queued = Await.result(second);
    assertThat(queued.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(queued.message()).isEqualTo("the deadline passed while the invocation was queued");
    assertThat(queued.report().cpuTime()).isZero();
  }

  @Test
  void oneTenantCannotReserveTheWholeMemoryBudget() {
    ToolRef big =
        HOST.register(
                Guests.fixture("spin.wat"),
                // 248 pages and the host's share for its output and log: two fit the tenant's
                // 32 MiB share of the budget, a third does not.
                c -> c.limit("timeoutMs", null, 400).limit("memory", "maxPages", 248))
            .ref();
    Future<InvocationResult> first = HOST.chassis().invoke(big, "{}", HOG);
    Future<InvocationResult> second = HOST.chassis().invoke(big, "{}", HOG);
    HOST.awaitAdmitted(2);

    InvocationResult refused = HOST.invoke(big, "{}", HOG);
    assertThat(refused.outcome()).isEqualTo(Outcome.REJECTED_OVERLOAD);
    assertThat(refused.message())
        .isEqualTo("tenant hog has reserved its share of the guest memory budget, 33554432 bytes");
    assertThat(HOST.invoke(big, "{}", OTHER).outcome())
        .as("admitted and run to its deadline, not refused")
        .isEqualTo(Outcome.TIMEOUT);
    assertThat(Await.result(first).outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(Await.result(second).outcome()).isEqualTo(Outcome.TIMEOUT);
  }
}
