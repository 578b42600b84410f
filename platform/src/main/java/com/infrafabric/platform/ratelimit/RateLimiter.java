package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.ratelimit.RateLimitPolicy.SelectedLimit;
import com.infrafabric.platform.redis.RedisStore;
import io.github.bucket4j.BucketExceptions.BucketExecutionException;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Per-principal token buckets shared by every node of a service through Redis, so a limit holds for
 * the whole cluster rather than per node.
 *
 * <p>Buckets are keyed {@code <prefix>:ratelimit:{<subject>}:<limit>} (the subject base64url
 * encoded) and expire once they would be full again plus a minute. Fails closed: when Redis does
 * not answer, {@link #tryConsume} fails with the store's {@code RedisUnavailableException} and the
 * request is refused. Thread-safe; never blocks.
 *
 * <p>Buckets update by compare-and-swap, so concurrent requests of one principal would retry
 * against each other. Each node therefore keeps one bucket proxy per key (bounded, least recently
 * used dropped) with Bucket4j's batching optimization: concurrent requests on this node are
 * combined into one swap, and only requests from other nodes contend.
 */
public final class RateLimiter {

  static final int MAX_CAS_ATTEMPTS = 16;
  static final int MAX_CACHED_BUCKETS = 10_000;
  private static final Duration KEEP_FULL_BUCKETS = Duration.ofMinutes(1);

  private final AsyncProxyManager<String> buckets;
  private final RateLimitPolicy policy;
  private final MeterRegistry meters;
  private final Map<String, AsyncBucketProxy> proxies = new LinkedHashMap<>(16, 0.75f, true);

  private RateLimiter(
      AsyncProxyManager<String> buckets, RateLimitPolicy policy, MeterRegistry meters) {
    this.buckets = buckets;
    this.policy = policy;
    this.meters = meters;
  }

  /** A limiter over {@code store}; bucket refill reads {@code clock}. */
  public static RateLimiter create(
      RedisStore store, RateLimitPolicy policy, Clock clock, MeterRegistry meters) {
    ClientSideConfig config =
        ClientSideConfig.getDefault()
            .withClientClock(new ClockTimeMeter(clock))
            .withMaxRetries(MAX_CAS_ATTEMPTS);
    RedisBucketStore bucketStore =
        new RedisBucketStore(
            store,
            config,
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL_BUCKETS));
    return new RateLimiter(bucketStore.asAsync(), policy, meters);
  }

  /**
   * Takes one token from {@code principal}'s bucket. Refusals are counted in the {@code
   * ratelimit.rejections} counter, tagged with the limit name.
   */
  public Future<RateDecision> tryConsume(Principal principal) {
    SelectedLimit selected = policy.select(principal);
    CompletableFuture<ConsumptionProbe> probe =
        proxy(key(principal, selected), selected).tryConsumeAndReturnRemaining(1);
    return onCallerContext(probe).map(p -> decide(p, selected)).recover(RateLimiter::unwrap);
  }

  private synchronized AsyncBucketProxy proxy(String key, SelectedLimit selected) {
    AsyncBucketProxy proxy = proxies.get(key);
    if (proxy == null) {
      proxy =
          buckets
              .builder()
              .withOptimization(Optimizations.batching())
              .build(
                  key,
                  () ->
                      CompletableFuture.completedFuture(selected.limit().toBucketConfiguration()));
      proxies.put(key, proxy);
      if (proxies.size() > MAX_CACHED_BUCKETS) {
        proxies.remove(proxies.keySet().iterator().next());
      }
    }
    return proxy;
  }

  /** The Redis key of {@code principal}'s bucket; visible for tests that inspect expiry. */
  String key(Principal principal, SelectedLimit selected) {
    String subject =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(principal.subject().getBytes(StandardCharsets.UTF_8));
    return policy.keyPrefix() + ":ratelimit:{" + subject + "}:" + selected.name();
  }

  private RateDecision decide(ConsumptionProbe probe, SelectedLimit selected) {
    if (probe.isConsumed()) {
      return new RateDecision(true, probe.getRemainingTokens(), Duration.ZERO, selected.name());
    }
    rejections(selected.name()).increment();
    return new RateDecision(
        false,
        probe.getRemainingTokens(),
        Duration.ofNanos(probe.getNanosToWaitForRefill()),
        selected.name());
  }

  private Counter rejections(String limitName) {
    return Counter.builder("ratelimit.rejections")
        .description("Requests refused by the per-principal rate limit")
        .tag("limit", limitName)
        .register(meters);
  }

  private static <T> Future<T> onCallerContext(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null
        ? Future.fromCompletionStage(stage)
        : Future.fromCompletionStage(stage, context);
  }

  private static Future<RateDecision> unwrap(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof BucketExecutionException contended) {
      return Future.failedFuture(new RateLimitContendedException(MAX_CAS_ATTEMPTS, contended));
    }
    return Future.failedFuture(cause);
  }
}
