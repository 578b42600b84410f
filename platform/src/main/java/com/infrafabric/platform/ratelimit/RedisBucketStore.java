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
 * last costs one round trip (the swap) instead of two. A state is kept with its decoding ({@link
 * StoredState}), so an operation neither decodes what it starts from nor encodes it again as the
 * state its swap expects. A refused swap returns what the bucket holds now, and Bucket4j's retry
 * starts from that, so a request on a bucket another node touched since costs two round trips, as
 * it did with the read, and the limit stays exact. A swap whose outcome is unknown (Redis did not
 * answer) leaves nothing remembered, so the next request reads first.
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
      /** The state this operation started from, remembered or read. */
      private StoredState read = StoredState.ABSENT;

      @Override
      public CompletableFuture<Optional<byte[]>> getStateData(Optional<Long> timeoutNanos) {
        Optional<StoredState> remembered = known.get(key);
        if (remembered.isPresent()) {
          read = remembered.get();
          return CompletableFuture.completedFuture(read.read());
        }
        return completable(
            store
                .send(key, Request.cmd(Command.GET).arg(key))
                .map(
                    reply -> {
                      read =
                          reply == null
                              ? StoredState.ABSENT
                              : StoredState.ofEncoded(reply.toString());
                      return read.read();
                    }));
      }

      @Override
      public CompletableFuture<Boolean> compareAndSwap(
          byte[] originalData,
          byte[] newData,
          RemoteBucketState newState,
          Optional<Long> timeoutNanos) {
        StoredState expected = read.decodesTo(originalData) ? read : StoredState.of(originalData);
        return completable(swap(key, expected, StoredState.of(newData), newState));
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
      String key, StoredState expected, StoredState replacement, RemoteBucketState newState) {
    long ttlMillis =
        Math.max(1, expiration.calculateTimeToLiveMillis(newState, currentTimeNanos()));
    return store
        .eval(
            CAS,
            List.of(key),
            CAS.args()
                .values()
                .put("expected_state", expected.encoded())
                .put("new_state", replacement.encoded())
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
  private static StoredState holding(Response refusal) {
    Response current = refusal.get(1);
    return current == null ? StoredState.ABSENT : StoredState.ofEncoded(current.toString());
  }

  private static <T> CompletableFuture<T> completable(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture();
  }
}
