package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bucket4j's compare-and-swap proxy manager over {@link RedisStore}: a bucket's state is read with
 * {@code GET} and written by the {@code bucket_cas} script only if nobody changed it in between,
 * with an expiry so idle buckets do not accumulate. States are stored base64-encoded because the
 * store speaks strings.
 *
 * <p>The read is skipped when this node remembers the bucket's state ({@link KnownBucketStates}, at
 * most the capacity given, least recently used dropped): a request on a bucket this node touched
 * last costs one round trip (the swap) instead of two. A refused swap returns what the bucket holds
 * now, and Bucket4j's retry starts from that, so a request on a bucket another node touched since
 * costs two round trips, as it did with the read, and the limit stays exact. A swap whose outcome
 * is unknown (Redis did not answer) leaves nothing remembered, so the next request reads first.
 *
 * <p>Bucket4j decides a refusal on an empty bucket without swapping, so a refusal may rest on a
 * remembered state Redis no longer holds; the caller confirms it on Redis's state with {@link
 * #forget} and another attempt ({@link SharedBuckets#tryConsume}).
 *
 * <p>Asynchronous only: the blocking operations would park an event loop, so they refuse to run.
 */
final class RedisBucketStore extends AbstractCompareAndSwapBasedProxyManager<String> {

  static final LuaScript CAS =
      LuaScript.fromResource(
          RedisBucketStore.class,
          "platform/ratelimit/bucket_cas",
          ScriptArgs.of("expected_state", "new_state", "ttl_ms"));

  /** What Redis answers for an absent bucket, and what the script expects for one. */
  private static final String ABSENT = "";

  private final RedisStore store;
  private final ExpirationAfterWriteStrategy expiration;
  private final KnownBucketStates known;

  RedisBucketStore(
      RedisStore store,
      ClientSideConfig config,
      ExpirationAfterWriteStrategy expiration,
      int knownStates) {
    super(config.withExpirationAfterWriteStrategy(expiration));
    this.store = store;
    this.expiration = expiration;
    this.known = new KnownBucketStates(knownStates);
  }

  @Override
  protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
    return new AsyncCompareAndSwapOperation() {
      @Override
      public CompletableFuture<Optional<byte[]>> getStateData(Optional<Long> timeoutNanos) {
        Optional<String> remembered = known.get(key);
        if (remembered.isPresent()) {
          return CompletableFuture.completedFuture(decode(remembered.get()));
        }
        return completable(
            store
                .send(key, Request.cmd(Command.GET).arg(key))
                .map(reply -> decode(reply == null ? ABSENT : reply.toString())));
      }

      @Override
      public CompletableFuture<Boolean> compareAndSwap(
          byte[] originalData,
          byte[] newData,
          RemoteBucketState newState,
          Optional<Long> timeoutNanos) {
        return completable(swap(key, originalData, newData, newState));
      }
    };
  }

  /** Forgets what this node remembers of {@code key}: its next operation reads the bucket first. */
  void forget(String key) {
    known.forget(key);
  }

  @Override
  protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
    throw new UnsupportedOperationException(
        "the Redis rate limiter is asynchronous only; use asAsync()");
  }

  @Override
  public void removeProxy(String key) {
    throw new UnsupportedOperationException(
        "the Redis rate limiter is asynchronous only; use asAsync()");
  }

  @Override
  protected CompletableFuture<Void> removeAsync(String key) {
    return completable(store.send(key, Request.cmd(Command.DEL).arg(key)).mapEmpty());
  }

  @Override
  public boolean isAsyncModeSupported() {
    return true;
  }

  @Override
  public boolean isExpireAfterWriteSupported() {
    return true;
  }

  /**
   * Swaps and remembers what the bucket holds after: the new state, or the one that refused it. A
   * swap whose outcome is unknown leaves nothing remembered, so the next request reads first.
   */
  private Future<Boolean> swap(
      String key, byte[] originalData, byte[] newData, RemoteBucketState newState) {
    long ttlMillis =
        Math.max(1, expiration.calculateTimeToLiveMillis(newState, currentTimeNanos()));
    String expected = originalData == null ? ABSENT : encode(originalData);
    String replacement = encode(newData);
    return store
        .eval(
            CAS,
            List.of(key),
            CAS.args()
                .values()
                .put("expected_state", expected)
                .put("new_state", replacement)
                .put("ttl_ms", ttlMillis)
                .list())
        .onFailure(unknown -> known.forget(key))
        .map(
            reply -> {
              boolean swapped = reply.get(0).toInteger() == 1;
              known.seen(key, swapped ? replacement : holding(reply));
              return swapped;
            });
  }

  /** The state a refused swap found in the bucket: the reply's second element, nil if absent. */
  private static String holding(Response refusal) {
    Response current = refusal.get(1);
    return current == null ? ABSENT : current.toString();
  }

  private static Optional<byte[]> decode(String state) {
    return state.isEmpty() ? Optional.empty() : Optional.of(Base64.getDecoder().decode(state));
  }

  private static String encode(byte[] state) {
    return Base64.getEncoder().encodeToString(state);
  }

  private static <T> CompletableFuture<T> completable(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture();
  }
}
