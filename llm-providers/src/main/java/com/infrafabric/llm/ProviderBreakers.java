package com.infrafabric.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The breakers of one provider: the provider's own ({@link BreakerRule#provider}), which refuses
 * every tenant's calls, and one per tenant whose calls failed lately ({@link BreakerRule#tenant}),
 * which refuses that tenant's calls only. A failure a tenant's calls provoke, a 429 above all
 * (OpenAI answers one to any single request over the organisation's tokens per minute), first
 * affects that tenant: the provider's breaker takes the failures of two tenants at least, and never
 * counts a 429, which says nothing of the provider's health. A 429's {@code Retry-After} holds that
 * tenant's calls off for as long (at most {@code breakerReset}).
 *
 * <p>A tenant's breaker is kept while it counts failures or is open, and forgotten when its call
 * succeeds. At most {@code maxTenants} are kept: a new one makes room by forgetting the one that
 * failed least lately among those not refusing calls (else the one that failed least lately of
 * all), so no number of tenants grows this past a bound. Thread-safe.
 */
final class ProviderBreakers {

  /** How many tenants' breakers one provider keeps at most. */
  static final int MAX_TENANTS = 10_000;

  /**
   * Why a call is refused without being tried, and for how long.
   *
   * @param tenantOnly true if only the tenant's own breaker refuses it, false if the provider's
   * @param retryAfter until the breaker lets a trial call through (zero while a trial is in flight)
   */
  record Refusal(boolean tenantOnly, Duration retryAfter) {}

  private final Clock clock;
  private final BreakerRule tenantRule;
  private final Breaker provider;
  private final int maxTenants;

  /**
   * Each tenant's breaker that counts failures or is open, the one that failed least lately first.
   */
  private final Map<String, Breaker> tenants = new LinkedHashMap<>();

  ProviderBreakers(ProviderSettings settings, Clock clock, int maxTenants) {
    this.clock = clock;
    this.tenantRule = BreakerRule.tenant(settings);
    this.provider = new Breaker(BreakerRule.provider(settings));
    this.maxTenants = maxTenants;
  }

  /** Why a call of {@code tenant}'s would be refused now, if it would. */
  synchronized Optional<Refusal> refusal(String tenant) {
    return refusal(tenant, clock.instant());
  }

  /**
   * Lets a call of {@code tenant}'s through now, as the trial of each open breaker it passes, or
   * says why it is refused. Each call let through ends in one of {@link #answered}, {@link
   * #failed}, {@link #rateLimited} or {@link #ended}.
   */
  synchronized Optional<Refusal> admit(String tenant) {
    Optional<Refusal> refused = refusal(tenant, clock.instant());
    if (refused.isEmpty()) {
      provider.pass();
      Optional.ofNullable(tenants.get(tenant)).ifPresent(Breaker::pass);
    }
    return refused;
  }

  /** The provider answered a call of {@code tenant}'s: both its breakers close. */
  synchronized void answered(String tenant) {
    provider.succeeded();
    tenants.remove(tenant);
  }

  /**
   * A call of {@code tenant}'s failed (a 5xx, a timeout, no connection): both breakers count it.
   */
  synchronized void failed(String tenant) {
    Instant now = clock.instant();
    provider.failed(tenant, now);
    failing(tenant, now).failed(tenant, now);
  }

  /**
   * The provider rate-limited a call of {@code tenant}'s (429), asking it to wait {@code wait}: the
   * tenant's breaker counts it and refuses its calls for that wait; the provider's does not.
   */
  synchronized void rateLimited(String tenant, Optional<Duration> wait) {
    Instant now = clock.instant();
    provider.released();
    Breaker breaker = failing(tenant, now);
    breaker.failed(tenant, now);
    wait.ifPresent(asked -> breaker.holdOff(now, asked));
  }

  /** A call of {@code tenant}'s ended in a way that says nothing of the provider's health. */
  synchronized void ended(String tenant) {
    provider.released();
    Optional.ofNullable(tenants.get(tenant)).ifPresent(Breaker::released);
  }

  /** True while the provider's breaker refuses every tenant's calls. */
  synchronized boolean providerOpen() {
    return provider.refusal(clock.instant()).isPresent();
  }

  /** How many tenants' own breakers refuse their calls now. */
  synchronized int tenantsOpen() {
    Instant now = clock.instant();
    return (int) tenants.values().stream().filter(b -> b.refusal(now).isPresent()).count();
  }

  /** How many tenants' breakers are kept. */
  synchronized int tenantsKept() {
    return tenants.size();
  }

  private Optional<Refusal> refusal(String tenant, Instant now) {
    Optional<Duration> everyone = provider.refusal(now);
    Optional<Duration> own =
        Optional.ofNullable(tenants.get(tenant)).flatMap(breaker -> breaker.refusal(now));
    if (own.isPresent() && (everyone.isEmpty() || own.get().compareTo(everyone.get()) > 0)) {
      return Optional.of(new Refusal(true, own.get()));
    }
    return everyone.map(wait -> new Refusal(false, wait));
  }

  /** {@code tenant}'s breaker, made if need be, moved last: the one that failed latest. */
  private Breaker failing(String tenant, Instant now) {
    Breaker breaker = tenants.remove(tenant);
    if (breaker == null) {
      makeRoom(now);
      breaker = new Breaker(tenantRule);
    }
    tenants.put(tenant, breaker);
    return breaker;
  }

  private void makeRoom(Instant now) {
    if (tenants.size() < maxTenants) {
      return;
    }
    Iterator<Breaker> leastLately = tenants.values().iterator();
    while (leastLately.hasNext()) {
      if (leastLately.next().refusal(now).isEmpty()) {
        leastLately.remove();
        return;
      }
    }
    Iterator<Breaker> oldest = tenants.values().iterator();
    oldest.next();
    oldest.remove();
  }
}
