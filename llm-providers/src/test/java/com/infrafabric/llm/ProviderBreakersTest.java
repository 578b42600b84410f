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

  /** One call of {@code tenant}'s, admitted, that failed. */
  private static void fails(ProviderBreakers breakers, String tenant) {
    assertThat(breakers.admit(tenant)).isEmpty();
    breakers.failed(tenant);
  }

  /**
   * One call of {@code tenant}'s, admitted, that the provider rate-limited, asking for {@code
   * wait}.
   */
  private static void rateLimited(
      ProviderBreakers breakers, String tenant, Optional<Duration> wait) {
    assertThat(breakers.admit(tenant)).isEmpty();
    breakers.rateLimited(tenant, wait);
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

    assertThat(breakers.tenantsKept()).isEqualTo(3);
    assertThat(breakers.refusal("open")).isPresent();
    assertThat(breakers.refusal("t999")).isEmpty();
    rateLimited(breakers, "t999", Optional.empty());
    assertThat(breakers.refusal("t999")).isPresent();
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

    assertThat(breakers.tenantsKept()).isEqualTo(2);
    assertThat(breakers.refusal("first")).isEmpty();
    assertThat(breakers.refusal("second")).isPresent();
    assertThat(breakers.refusal("third")).isPresent();
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
    assertThat(breakers.refusal("beta")).hasValue(new ProviderBreakers.Refusal(true, RESET));

    fails(breakers, "alpha");
    assertThat(breakers.providerOpen()).isTrue();
    assertThat(breakers.refusal("gamma")).hasValue(new ProviderBreakers.Refusal(false, RESET));
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
    breakers.answered("gamma");
    fails(breakers, "beta");
    assertThat(breakers.providerOpen()).isFalse();
    assertThat(breakers.refusal("beta")).as("beta's first failure is outside the window").isEmpty();
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
    assertThat(breakers.admit("beta")).isEmpty();
    assertThat(breakers.admit("beta")).hasValue(new ProviderBreakers.Refusal(true, Duration.ZERO));
    breakers.ended("beta");
    assertThat(breakers.admit("beta")).isEmpty();
    breakers.answered("beta");
    assertThat(breakers.tenantsKept()).isZero();
    assertThat(breakers.refusal("beta")).isEqualTo(Optional.empty());
  }
}
