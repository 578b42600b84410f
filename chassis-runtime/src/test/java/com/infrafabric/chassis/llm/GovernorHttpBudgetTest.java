package com.infrafabric.chassis.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.FakeGovernor;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.wire.reservation.BudgetRequest;
import com.infrafabric.wire.reservation.CommitResult;
import com.infrafabric.wire.reservation.ReleaseResult;
import com.infrafabric.wire.reservation.ReserveResult;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GovernorHttpBudgetTest {

  private Vertx vertx;
  private FakeGovernor governor;
  private GovernorHttpBudget budget;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    governor = FakeGovernor.start(1_000);
    budget =
        GovernorHttpBudget.create(
            vertx, URI.create(governor.url()), () -> "agent-token", Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    budget.close();
    governor.close();
    vertx.close().await();
  }

  private static BudgetRequest request(long inputTokens, String key) {
    return new BudgetRequest(
        "acme/search",
        "gpt-4o-mini",
        inputTokens,
        10,
        Duration.ofMinutes(1),
        key,
        Optional.of("signed-grant"));
  }

  @Test
  void aReservationIsHeldCommittedOnceAndReleasingItAfterwardsIsHarmless() {
    ReserveResult.Reserved reserved =
        (ReserveResult.Reserved) Await.result(budget.reserve(request(40, "k-1")));
    assertThat(reserved.amountMicros()).isEqualTo(500);
    assertThat(reserved.remainingMicros()).isEqualTo(500);
    assertThat(Await.result(budget.reserve(request(40, "k-1")))).isEqualTo(reserved);

    TokenUsage usage = new TokenUsage(30, 0, 5);
    String key = reserved.reservationId() + ":commit";
    CommitResult committed = Await.result(budget.commit(reserved.reservationId(), "m", usage, key));
    assertThat(committed).isEqualTo(new CommitResult.Committed(350, 650));
    assertThat(Await.result(budget.commit(reserved.reservationId(), "m", usage, key)))
        .isEqualTo(committed);
    assertThat(governor.spentMicros()).isEqualTo(350);
    assertThat(Await.result(budget.release(reserved.reservationId(), "r-1")))
        .isEqualTo(new ReleaseResult.Released());
  }

  /**
   * Regression (probe): the governor counted the chassis's calls for every tenant as one tenant's,
   * so one tenant's tool traffic shed another's. Each request names the tenant it is for: the
   * scope's on the reserve, the reservation's on its settlement.
   */
  @Test
  void everyRequestNamesTheTenantItIsFor() {
    ReserveResult.Reserved reserved =
        (ReserveResult.Reserved) Await.result(budget.reserve(request(40, "k-1")));
    Await.result(budget.commit(reserved.reservationId(), "m", new TokenUsage(1, 0, 1), "k-2"));
    Await.result(budget.release(reserved.reservationId(), "k-3"));

    assertThat(governor.actingTenants()).containsExactly("acme", "acme", "acme");
  }

  @Test
  void aDenialCarriesTheTightestRemainingBudget() {
    Await.result(budget.reserve(request(60, "k-1")));
    ReserveResult denied = Await.result(budget.reserve(request(60, "k-2")));
    assertThat(denied)
        .isEqualTo(new ReserveResult.Denied("Reserving 700 would exceed the cap", 300));
  }

  @Test
  void anUnavailableOrSilentGovernorIsUnavailableWithinTheTimeout() {
    budget.close();
    budget =
        GovernorHttpBudget.create(
            vertx, URI.create(governor.url()), () -> "agent-token", Duration.ofMillis(300));
    governor.mode(FakeGovernor.Mode.UNAVAILABLE);
    assertThat(Await.result(budget.reserve(request(1, "k-1"))))
        .isInstanceOf(ReserveResult.Unavailable.class);
    governor.mode(FakeGovernor.Mode.SILENT);
    assertThat(Await.result(budget.commit("acme:r1", "m", new TokenUsage(1, 0, 1), "c-1")))
        .isInstanceOf(CommitResult.Unavailable.class);
    assertThat(Await.result(budget.release("acme:r1", "r-1"), Duration.ofSeconds(5)))
        .isInstanceOf(ReleaseResult.Unavailable.class);
  }
}
