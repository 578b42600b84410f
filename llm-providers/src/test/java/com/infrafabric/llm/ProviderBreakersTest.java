package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a provider's breakers count failures, and what they keep, without a provider. */
class ProviderBreakersTest {

  private static final Duration RESET = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");

  private ProviderBreakers breakers(int failures, int maxTenants) {
    ProviderSettings settings =
        ProviderSettings.openAiCompatible(
                "openai", URI.create("https://api.openai.com"), "openai-key", List.of("m"))
            .withBreaker(failures, RESET);
    return new ProviderBreakers(settings, clock, maxTenants);
  }

  /** The model the tests' calls are of unless they name another. */
  private static final String MODEL = "m";

  /** One call of {@code tenant}'s, admitted, that failed. */
  private static void fails(ProviderBreakers breakers, String tenant) {
    assertThat(breakers.admit(tenant, MODEL)).isEmpty();
    breakers.failed(tenant, MODEL);
  }

  /**
   * One call of {@code tenant}'s, admitted, that the provider rate-limited, asking for {@code
   * wait}.
   */
  private static void rateLimited(
      ProviderBreakers breakers, String tenant, Optional<Duration> wait) {
    assertThat(breakers.admit(tenant, MODEL)).isEmpty();
    breakers.rateLimited(tenant, MODEL, wait);
  }

  /**
   * Callers of ever new tenants must not grow the breakers kept: past {@code maxTenants}, a new
   * tenant's breaker makes room by forgetting the one that failed least lately among those that
   * refuse nothing, so an open one is kept while there are others.
   */
  @Test
  void theTenantsBreakersKeptAreBoundedAndOpenOnesAreForgottenLast() {
    ProviderBreakers breakers = breakers(2, 3);
    rateLimited(breakers, "open", Optional.of(RESET));
    for (int tenant = 0; tenant < 1_000; tenant++) {
      rateLimited(breakers, "t" + tenant, Optional.empty());
    }

    assertThat(breakers.kept()).isEqualTo(3);
    assertThat(breakers.refusal("open", MODEL)).isPresent();
    assertThat(breakers.refusal("t999", MODEL)).isEmpty();
    rateLimited(breakers, "t999", Optional.empty());
    assertThat(breakers.refusal("t999", MODEL)).isPresent();
  }

  /**
   * When every tenant's breaker kept is open, a new one forgets the one that failed least lately.
   */
  @Test
  void whenEveryBreakerKeptIsOpenTheOneThatFailedLeastLatelyIsForgotten() {
    ProviderBreakers breakers = breakers(1, 2);
    rateLimited(breakers, "first", Optional.empty());
    rateLimited(breakers, "second", Optional.empty());
    rateLimited(breakers, "third", Optional.empty());

    assertThat(breakers.kept()).isEqualTo(2);
    assertThat(breakers.refusal("first", MODEL)).isEmpty();
    assertThat(breakers.refusal("second", MODEL)).isPresent();
    assertThat(breakers.refusal("third", MODEL)).isPresent();
  }

  /**
   * With {@code breakerFailures} of one, a tenant's one failure opens its own breaker, and the
   * provider's takes failures of two tenants: never one tenant's alone.
   */
  @Test
  void evenAtOneFailureTheProvidersBreakerTakesTwoTenants() {
    ProviderBreakers breakers = breakers(1, 10);
    fails(breakers, "beta");
    clock.advance(RESET);
    fails(breakers, "beta");
    assertThat(breakers.providerOpen()).isFalse();
    assertThat(breakers.refusal("beta", MODEL))
        .hasValue(new ProviderBreakers.Refusal(ProviderBreakers.Refuser.TENANT, RESET));

    fails(breakers, "alpha");
    assertThat(breakers.providerOpen()).isTrue();
    assertThat(breakers.refusal("gamma", MODEL))
        .hasValue(new ProviderBreakers.Refusal(ProviderBreakers.Refuser.PROVIDER, RESET));
  }

  /**
   * Failures are counted over a minute, and a success forgets them: failures of two tenants far
   * apart, or with a success between them, open nothing but each tenant's own breaker.
   */
  @Test
  void failuresOutsideTheWindowOrBeforeASuccessAreNotCounted() {
    ProviderBreakers breakers = breakers(2, 10);
    fails(breakers, "beta");
    clock.advance(BreakerRule.WINDOW.plusSeconds(1));
    fails(breakers, "alpha");
    assertThat(breakers.providerOpen()).isFalse();
    breakers.answered("gamma", MODEL);
    fails(breakers, "beta");
    assertThat(breakers.providerOpen()).isFalse();
    assertThat(breakers.refusal("beta", MODEL))
        .as("beta's first failure is outside the window")
        .isEmpty();
  }

  /**
   * While an open breaker's trial call is in flight, other calls are refused; a trial that ends
   * saying nothing of the provider (no answer in time, a fault on this side) lets the next call be
   * the trial.
   */
  @Test
  void anOpenBreakerLetsOneTrialThroughAtATime() {
    ProviderBreakers breakers = breakers(1, 10);
    fails(breakers, "beta");
    clock.advance(RESET);
    assertThat(breakers.admit("beta", MODEL)).isEmpty();
    assertThat(breakers.admit("beta", MODEL))
        .hasValue(new ProviderBreakers.Refusal(ProviderBreakers.Refuser.TENANT, Duration.ZERO));
    breakers.ended("beta", MODEL);
    assertThat(breakers.admit("beta", MODEL)).isEmpty();
    breakers.answered("beta", MODEL);
    assertThat(breakers.kept()).isZero();
    assertThat(breakers.refusal("beta", MODEL)).isEqualTo(Optional.empty());
  }

  /**
   * Regression: a 429 held the tenant off the whole provider, though providers limit rates per
   * model: an alias whose next model is on the same provider ({@code smart=gpt-4o>gpt-4o-mini})
   * never fell back to it, and its 503 said the circuit breaker was open. A 429's wait now holds
   * the tenant's calls of that model alone, and its refusal says it is a rate limit.
   */
  @Test
  void aRateLimitHoldsTheTenantsCallsOfThatModelOnly() {
    ProviderBreakers breakers = breakers(5, 10);
    assertThat(breakers.admit("beta", "gpt-4o")).isEmpty();
    breakers.rateLimited("beta", "gpt-4o", Optional.of(Duration.ofSeconds(7)));

    assertThat(breakers.refusal("beta", "gpt-4o"))
        .hasValue(
            new ProviderBreakers.Refusal(
                ProviderBreakers.Refuser.RATE_LIMIT, Duration.ofSeconds(7)));
    assertThat(breakers.refusal("beta", "gpt-4o-mini")).isEmpty();
    assertThat(breakers.refusal("alpha", "gpt-4o")).isEmpty();
    assertThat(breakers.tenantsOpen()).isOne();
    clock.advance(Duration.ofSeconds(7));
    assertThat(breakers.admit("beta", "gpt-4o")).isEmpty();
    breakers.answered("beta", "gpt-4o");
    assertThat(breakers.kept()).isZero();
  }

  /**
   * 429s without a wait never open the tenant's breaker of the provider: {@code breakerFailures} of
   * them hold that model off, and the tenant's other models stay open to it.
   */
  @Test
  void rateLimitsWithoutAWaitCountOnTheModelsBreakerNotTheTenants() {
    ProviderBreakers breakers = breakers(2, 10);
    rateLimited(breakers, "beta", Optional.empty());
    rateLimited(breakers, "beta", Optional.empty());

    assertThat(breakers.refusal("beta", MODEL))
        .hasValue(new ProviderBreakers.Refusal(ProviderBreakers.Refuser.RATE_LIMIT, RESET));
    assertThat(breakers.refusal("beta", "other")).isEmpty();
    assertThat(breakers.providerOpen()).isFalse();
  }
}
