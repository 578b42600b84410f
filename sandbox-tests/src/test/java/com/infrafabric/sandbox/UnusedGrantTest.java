package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a grant's use was spent by an invocation that never ran. A one-use grant presented
 * while its tenant's guest thread was busy waited in the queue past its deadline ({@code TIMEOUT},
 * no host call), and its retry was refused "already used 1 of 1 times": only a refusal by admission
 * gave the use back. Any invocation no guest code ran for now gives it back.
 */
@Timeout(60)
class UnusedGrantTest {

  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());

  // Two guest threads, half of them for one tenant: one spinning guest fills the tenant's share.
  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  .grantVerification(GOVERNOR.settings())
                  .sandbox(SandboxHost.sandbox(2, 8, 64L << 20, Duration.ofSeconds(1), 50)),
          HostResolver.system());

  @Test
  void aGrantedInvocationQueuedPastItsDeadlineLeavesItsUseForTheRetry() {
    ToolRef spin =
        HOST.register(
                Guests.fixture("spin.wat"),
                c -> c.limit("timeoutMs", null, 1500).limit("cpuTimeMs", null, 1500))
            .ref();
    ToolInfo echo =
        HOST.register(
            Guests.fixture("examples/wat/echo.wat"), c -> c.limit("timeoutMs", null, 300));
    Grant once = GRANTS.grant(echo.digest(), Set.of(), Set.of(), Set.of(), 0, 1);
    String token = GRANTS.sign(once);

    Future<InvocationResult> busy = HOST.chassis().invoke(spin, "{}", TestChassis.CONTEXT);
    HOST.awaitAdmitted(1);
    InvocationResult queued =
        HOST.invoke(echo.ref(), "{\"q\":1}", TestChassis.CONTEXT.withGrant(token));
    assertThat(queued.outcome()).as(queued.message()).isEqualTo(Outcome.TIMEOUT);
    assertThat(queued.report().ran()).isFalse();
    assertThat(Await.result(busy).outcome()).isEqualTo(Outcome.TIMEOUT);

    InvocationResult retried =
        HOST.invoke(echo.ref(), "{\"q\":1}", TestChassis.CONTEXT.withGrant(token));
    assertThat(retried.outcome()).as(retried.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(retried.report().ran()).isTrue();
    assertThat(HOST.invoke(echo.ref(), "{\"q\":1}", TestChassis.CONTEXT.withGrant(token)).message())
        .isEqualTo("grant refused: " + once.id() + " was already used 1 of 1 times");
  }
}
