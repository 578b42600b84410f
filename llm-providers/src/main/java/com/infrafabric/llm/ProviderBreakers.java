package com.infrafabric.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The breakers of one provider: the provider's own ({@link BreakerRule#provider}), which refuses
 * every tenant's calls; one per tenant whose calls failed lately ({@link BreakerRule#tenant}),
 * which refuses that tenant's calls only; and one per model of a tenant's the provider rate-limited
 * lately, which refuses that tenant's calls of that model only.
 *
 * <p>A failure a tenant's calls provoke first affects that tenant: the provider's breaker takes the
 * failures of two tenants at least. A 429 (OpenAI answers one to any single request over the
 * organisation's tokens per minute) says nothing of the provider's health, and providers limit
 * rates per model: it never counts towards the provider's breaker nor the tenant's, only towards
 * that tenant's breaker of that model, and its {@code Retry-After} holds that tenant's calls of
 * that model off for as long (at most {@code breakerReset}). So an alias whose next model is on the
 * same provider falls back to it on a 429.
 *
 * <p>Each table of breakers keeps at most {@code maxTenants} ({@link BreakerTable}), so no number
 * of tenants or models grows this past a bound. Thread-safe.
 */
final class ProviderBreakers {

  /** How many tenants' breakers (and tenants' models' breakers) one provider keeps at most. */
  static final int MAX_TENANTS = 10_000;

  /** Which breaker refuses a call. */
  enum Refuser {
    /** The provider's own breaker: its calls of several tenants failed. */
    PROVIDER,
    /** The tenant's own breaker of the provider: its latest calls failed. */
    TENANT,
    /** The tenant's breaker of the model: the provider rate-limited its latest calls of it. */
    RATE_LIMIT
  }

  /**
   * Why a call is refused without being tried, and for how long.
   *
   * @param by the breaker that refuses it (the one refusing longest, if several do)
   * @param retryAfter until the breaker lets a trial call through (zero while a trial is in flight)
   */
  record Refusal(Refuser by, Duration retryAfter) {}

  /** A tenant's calls of one model of the provider. */
  private record TenantModel(String tenant, String model) {}

  private final Clock clock;
  private final Breaker provider;
  private final BreakerTable<String> tenants;
  private final BreakerTable<TenantModel> rateLimits;

  ProviderBreakers(ProviderSettings settings, Clock clock, int maxTenants) {
    this.clock = clock;
    this.provider = new Breaker(BreakerRule.provider(settings));
    this.tenants = new BreakerTable<>(BreakerRule.tenant(settings), maxTenants);
    this.rateLimits = new BreakerTable<>(BreakerRule.tenant(settings), maxTenants);
  }

  /** Why a call of {@code tenant}'s of {@code model} would be refused now, if it would. */
  synchronized Optional<Refusal> refusal(String tenant, String model) {
    return refusal(tenant, model, clock.instant());
  }

  /**
   * Lets a call of {@code tenant}'s of {@code model} through now, as the trial of each open breaker
   * it passes, or says why it is refused. Each call let through ends in one of {@link #answered},
   * {@link #failed}, {@link #rateLimited} or {@link #ended}.
   */
  synchronized Optional<Refusal> admit(String tenant, String model) {
    Optional<Refusal> refused = refusal(tenant, model, clock.instant());
    if (refused.isEmpty()) {
      provider.pass();
      tenants.get(tenant).ifPresent(Breaker::pass);
      rateLimits.get(new TenantModel(tenant, model)).ifPresent(Breaker::pass);
    }
    return refused;
  }

  /** The provider answered a call of {@code tenant}'s of {@code model}: its breakers close. */
  synchronized void answered(String tenant, String model) {
    provider.succeeded();
    tenants.forget(tenant);
    rateLimits.forget(new TenantModel(tenant, model));
  }

  /**
   * A call of {@code tenant}'s of {@code model} failed (a 5xx, a timeout, no connection): the
   * provider's breaker and the tenant's count it; it says nothing of the model's rate limit.
   */
  synchronized void failed(String tenant, String model) {
    Instant now = clock.instant();
    provider.failed(tenant, now);
    tenants.failing(tenant, now).failed(tenant, now);
    rateLimits.get(new TenantModel(tenant, model)).ifPresent(Breaker::released);
  }

  /**
   * The provider rate-limited a call of {@code tenant}'s of {@code model} (429), asking it to wait
   * {@code wait}: the tenant's breaker of that model counts it and refuses its calls of that model
   * for that wait; the provider's and the tenant's own do not count it.
   */
  synchronized void rateLimited(String tenant, String model, Optional<Duration> wait) {
    Instant now = clock.instant();
    provider.released();
    tenants.get(tenant).ifPresent(Breaker::released);
    Breaker breaker = rateLimits.failing(new TenantModel(tenant, model), now);
    breaker.failed(tenant, now);
    wait.ifPresent(asked -> breaker.holdOff(now, asked));
  }

  /**
   * A call of {@code tenant}'s of {@code model} ended in a way that says nothing of the provider's
   * health.
   */
  synchronized void ended(String tenant, String model) {
    provider.released();
    tenants.get(tenant).ifPresent(Breaker::released);
    rateLimits.get(new TenantModel(tenant, model)).ifPresent(Breaker::released);
  }

  /** True while the provider's breaker refuses every tenant's calls. */
  synchronized boolean providerOpen() {
    return provider.refusal(clock.instant()).isPresent();
  }

  /**
   * How many tenants have calls refused now by a breaker of their own: theirs of the provider, or
   * theirs of one of its models.
   */
  synchronized int tenantsOpen() {
    Instant now = clock.instant();
    return (int)
        Stream.concat(tenants.refusing(now), rateLimits.refusing(now).map(TenantModel::tenant))
            .distinct()
            .count();
  }

  /** How many tenants' breakers, and tenants' models' breakers, are kept. */
  synchronized int kept() {
    return tenants.size() + rateLimits.size();
  }

  private Optional<Refusal> refusal(String tenant, String model, Instant now) {
    return Stream.of(
            provider.refusal(now).map(wait -> new Refusal(Refuser.PROVIDER, wait)),
            tenants.refusal(tenant, now).map(wait -> new Refusal(Refuser.TENANT, wait)),
            rateLimits
                .refusal(new TenantModel(tenant, model), now)
                .map(wait -> new Refusal(Refuser.RATE_LIMIT, wait)))
        .flatMap(Optional::stream)
        .max(Comparator.comparing(Refusal::retryAfter));
  }
}
