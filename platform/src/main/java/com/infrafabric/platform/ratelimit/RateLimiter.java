package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.ratelimit.RateLimitPolicy.SelectedLimit;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Per-principal token buckets shared by every node of a service through Redis ({@link
 * SharedBuckets}), so a limit holds for the whole cluster rather than per node.
 *
 * <p>Buckets are keyed {@code <prefix>:ratelimit:{<subject>.<scope claim>}:<limit>} (each part
 * base64url encoded; {@code -} for a platform token, which has no scope claim), which {@link
 * SharedBuckets} follows with the limit's numbers. Fails closed: when Redis does not answer, {@link
 * #tryConsume} fails with the store's {@code RedisUnavailableException} and the request is refused.
 * Thread-safe; never blocks.
 */
public final class RateLimiter {

  private final SharedBuckets buckets;
  private final RateLimitPolicy policy;
  private final MeterRegistry meters;

  private RateLimiter(SharedBuckets buckets, RateLimitPolicy policy, MeterRegistry meters) {
    this.buckets = buckets;
    this.policy = policy;
    this.meters = meters;
  }

  /** A limiter over {@code store}; bucket refill reads {@code clock}. */
  public static RateLimiter create(
      RedisStore store, RateLimitPolicy policy, Clock clock, MeterRegistry meters) {
    return new RateLimiter(SharedBuckets.create(store, clock), policy, meters);
  }

  /**
   * Takes {@code requests} tokens from {@code principal}'s bucket: one for a request, more for one
   * that carries the work of several (an MCP batch). Refusals are counted in the {@code
   * ratelimit.rejections} counter, tagged with the limit name.
   */
  public Future<RateDecision> tryConsume(Principal principal, int requests) {
    SelectedLimit selected = policy.select(principal);
    return buckets
        .tryConsume(key(principal, selected), selected.limit(), requests, selected.name())
        .onSuccess(
            decision -> {
              if (!decision.allowed()) {
                rejections(selected.name()).increment();
              }
            });
  }

  /**
   * A refusal of one request from {@code principal}'s bucket that this node was told and that still
   * stands (see {@link SharedBuckets#standing}): asks Redis nothing, so a step that must not wait
   * on Redis can still refuse a caller known to be past its limit.
   */
  public Optional<RateDecision> standingRefusal(Principal principal) {
    SelectedLimit selected = policy.select(principal);
    return buckets.standing(key(principal, selected), 1, selected.name());
  }

  /**
   * The Redis key of {@code principal}'s bucket; visible for tests that inspect expiry. A caller is
   * its subject within its confinement: tokens of two tenants (or a tenant's and a platform token)
   * that share a subject are two callers with a bucket each, so one tenant's traffic never spends
   * another's. Both parts are base64url-encoded, so neither can forge the other's key.
   */
  String key(Principal principal, SelectedLimit selected) {
    String confinement = principal.confined() ? encoded(principal.scope().orElseThrow()) : "-";
    return policy.keyPrefix()
        + ":ratelimit:{"
        + encoded(principal.subject())
        + '.'
        + confinement
        + "}:"
        + selected.name();
  }

  private static String encoded(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private Counter rejections(String limitName) {
    return Counter.builder("ratelimit.rejections")
        .description("Requests refused by the per-principal rate limit")
        .tag("limit", limitName)
        .register(meters);
  }
}
