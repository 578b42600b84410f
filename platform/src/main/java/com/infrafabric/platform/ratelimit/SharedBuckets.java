package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.cache.LruMap;
import com.infrafabric.platform.redis.RedisStore;
import io.github.bucket4j.BucketExceptions.BucketExecutionException;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Token buckets shared by every node through Redis, named by their Redis key: a limit holds for the
 * whole cluster rather than per node. A key names one bucket; callers put a hash tag in it.
 *
 * <p>Buckets expire once they would be full again plus a minute. Fails closed: when Redis does not
 * answer, the returned future fails with the store's {@code RedisUnavailableException}.
 * Thread-safe; never blocks.
 *
 * <p>Buckets update by compare-and-swap, so concurrent requests on one bucket would retry against
 * each other. Each node therefore keeps one bucket proxy per key (bounded, least recently used
 * dropped) with Bucket4j's batching optimization: concurrent requests on this node are combined
 * into one swap, and only requests from other nodes contend. A bucket is kept under its key and its
 * limit ({@link #storedKey}): Bucket4j keeps a bucket's configuration with its state in Redis and
 * goes on using it whatever limit a caller gives later, so a limit an operator changed (a role's
 * requests per minute, lowered and restarted) would never have held for a caller whose bucket was
 * still there. A changed limit starts a new, full bucket; the old one expires as an idle one does.
 *
 * <p>What a request costs in Redis round trips: one when this node was the last to touch the bucket
 * (the swap starts from the state it remembers), two when another node, an expiry or a deletion
 * changed it since (the swap is refused with the current state, and the retry on that state
 * succeeds unless yet another writer came first). A refusal costs one more round trip at least:
 * Bucket4j refuses an empty bucket without writing, so a refusal could rest on a stale remembered
 * state (the key deleted, or tokens given back by another node); {@link #tryConsume} therefore
 * forgets the bucket and asks again starting with a read, and only that answer is returned, so
 * every refusal is decided on a state Redis has just returned. That refusal then stands on this
 * node for the wait it named, so the requests that follow it cost no round trip ({@link
 * KnownRefusals}). Each node keeps at most {@value #MAX_CACHED_BUCKETS} proxies and as many
 * remembered states (a bucket with one limit encodes to 144 base64 characters, held beside its
 * key).
 */
public final class SharedBuckets {

  static final int MAX_CAS_ATTEMPTS = 16;
  static final int MAX_CACHED_BUCKETS = 10_000;
  private static final Duration KEEP_FULL_BUCKETS = Duration.ofMinutes(1);

  private final RedisBucketStore store;
  private final AsyncProxyManager<String> buckets;
  private final Map<String, AsyncBucketProxy> proxies = new LruMap<>(MAX_CACHED_BUCKETS);
  private final KnownRefusals refusals;

  private SharedBuckets(RedisBucketStore store, Clock clock) {
    this.store = store;
    this.buckets = store.asAsync();
    this.refusals = new KnownRefusals(MAX_CACHED_BUCKETS, clock);
  }

  /** Buckets in {@code store}; refill reads {@code clock}. */
  public static SharedBuckets create(RedisStore store, Clock clock) {
    ClientSideConfig config =
        ClientSideConfig.getDefault()
            .withClientClock(new ClockTimeMeter(clock))
            .withMaxRetries(MAX_CAS_ATTEMPTS);
    RedisBucketStore bucketStore =
        new RedisBucketStore(
            store,
            config,
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL_BUCKETS),
            MAX_CACHED_BUCKETS);
    return new SharedBuckets(bucketStore, clock);
  }

  /**
   * Takes {@code tokens} from the bucket {@code key} (limited by {@code limit}) if it holds that
   * many; the decision is named {@code limitName}. A refusal is decided on the state Redis holds,
   * never on the one this node remembers, and then stands on this node for the wait it named
   * ({@link KnownRefusals}): within it, the returned future is already complete with a refusal.
   */
  /**
   * A refusal of {@code tokens} from {@code key} standing on this node, if any: asks nothing of
   * Redis and takes nothing, so a caller can turn away at once a request that bucket would refuse.
   */
  public Optional<RateDecision> standing(String key, long tokens, String limitName) {
    return refusals.standing(key, tokens, limitName);
  }

  public Future<RateDecision> tryConsume(
      String key, RateLimit limit, long tokens, String limitName) {
    Optional<RateDecision> standing = refusals.standing(key, tokens, limitName);
    if (standing.isPresent()) {
      return Future.succeededFuture(standing.get());
    }
    return consume(key, limit, tokens)
        .compose(
            probe ->
                probe.isConsumed() ? Future.succeededFuture(probe) : confirm(key, limit, tokens))
        .map(probe -> decide(probe, limitName))
        .onSuccess(
            decision -> {
              if (!decision.allowed()) {
                refusals.refused(key, tokens, decision.retryAfter());
              }
            });
  }

  /**
   * Asks again after a refusal, reading the bucket first: Bucket4j refuses an empty bucket without
   * a swap, so the first answer may rest on a remembered state that Redis no longer holds.
   */
  private Future<ConsumptionProbe> confirm(String key, RateLimit limit, long tokens) {
    store.forget(storedKey(key, limit));
    return consume(key, limit, tokens);
  }

  private Future<ConsumptionProbe> consume(String key, RateLimit limit, long tokens) {
    return call(proxy(key, limit).tryConsumeAndReturnRemaining(tokens));
  }

  /** Gives {@code tokens} back to the bucket, never above its capacity. */
  public Future<Void> refund(String key, RateLimit limit, long tokens) {
    refusals.forget(key);
    return call(proxy(key, limit).addTokens(tokens));
  }

  /**
   * Takes {@code tokens} whatever the bucket holds, so that it may go below zero: work already done
   * is paid for by the requests that follow it.
   */
  public Future<Void> consumeAnyway(String key, RateLimit limit, long tokens) {
    return call(proxy(key, limit).consumeIgnoringRateLimits(tokens)).mapEmpty();
  }

  private synchronized AsyncBucketProxy proxy(String key, RateLimit limit) {
    String stored = storedKey(key, limit);
    AsyncBucketProxy proxy = proxies.get(stored);
    if (proxy == null) {
      proxy =
          buckets
              .builder()
              .withOptimization(Optimizations.batching())
              .build(
                  stored, () -> CompletableFuture.completedFuture(limit.toBucketConfiguration()));
      proxies.put(stored, proxy);
    }
    return proxy;
  }

  /**
   * The Redis key of {@code key}'s bucket under {@code limit}: the key (its hash tag included)
   * followed by the limit, so that each limit has a bucket of its own.
   */
  static String storedKey(String key, RateLimit limit) {
    return key
        + ':'
        + limit.capacity()
        + '/'
        + limit.refillTokens()
        + '/'
        + limit.refillPeriod().toMillis();
  }

  private static RateDecision decide(ConsumptionProbe probe, String limitName) {
    return probe.isConsumed()
        ? new RateDecision(true, probe.getRemainingTokens(), Duration.ZERO, limitName)
        : new RateDecision(
            false,
            probe.getRemainingTokens(),
            Duration.ofNanos(probe.getNanosToWaitForRefill()),
            limitName);
  }

  private static <T> Future<T> call(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    Future<T> future =
        context == null
            ? Future.fromCompletionStage(stage)
            : Future.fromCompletionStage(stage, context);
    return future.recover(SharedBuckets::unwrap);
  }

  private static <T> Future<T> unwrap(Throwable failure) {
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
