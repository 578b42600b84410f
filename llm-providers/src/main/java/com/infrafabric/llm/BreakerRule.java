package com.infrafabric.llm;

import java.time.Duration;

/**
 * When a {@link Breaker} opens, and for how long: once {@code failures} failed calls fall within
 * {@code window} without a success in between, no tenant's calls counting for more than {@code
 * perTenant} of them; it then refuses calls for {@code reset} before it lets one trial through.
 *
 * @param failures the failed calls that open the breaker
 * @param perTenant the most of them one tenant's calls count for
 * @param window how far back failed calls count
 * @param reset how long the breaker refuses calls once open
 */
record BreakerRule(int failures, int perTenant, Duration window, Duration reset) {

  /** Failures are counted over this window; a success resets the count. */
  static final Duration WINDOW = Duration.ofMinutes(1);

  /** A tenant's own breaker of a provider: {@code breakerFailures} of its calls open it. */
  static BreakerRule tenant(ProviderSettings settings) {
    int failures = settings.breakerFailures();
    return new BreakerRule(failures, failures, WINDOW, settings.breakerReset());
  }

  /**
   * The provider's breaker, which refuses every tenant's calls: {@code breakerFailures} failed
   * calls (two at least) open it, no tenant's counting for more than half of them (rounded up), so
   * it takes the calls of two tenants at least. One tenant alone opens only its own breaker,
   * however its requests make the provider fail; a provider failing everybody's calls still opens
   * it after as many failures as before.
   */
  static BreakerRule provider(ProviderSettings settings) {
    int failures = settings.breakerFailures();
    return new BreakerRule(
        Math.max(2, failures), (failures + 1) / 2, WINDOW, settings.breakerReset());
  }
}
