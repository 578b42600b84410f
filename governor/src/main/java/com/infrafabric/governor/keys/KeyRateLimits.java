package com.infrafabric.governor.keys;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import io.vertx.core.Future;
import java.util.Map;

/**
 * The per-key limits: a requests-per-minute and a tokens-per-minute bucket per key, in the key's
 * tenant slot ({@code gov:{tenant}:rl:<id>:rpm}), shared by every node. Each bucket holds a
 * minute's allowance and refills greedily.
 */
final class KeyRateLimits {

  private final SharedBuckets buckets;

  KeyRateLimits(SharedBuckets buckets) {
    this.buckets = buckets;
  }

  Future<RateDecision> admit(VirtualKey key, long estimatedTokens) {
    long tokens = charged(key, estimatedTokens);
    RateLimit tpm = RateLimit.perMinute(key.tokensPerMinute());
    return buckets
        .tryConsume(bucket(key, "rpm"), RateLimit.perMinute(key.requestsPerMinute()), 1, "rpm")
        .compose(
            requests ->
                !requests.allowed() || tokens == 0
                    ? Future.succeededFuture(requests)
                    : buckets
                        .tryConsume(bucket(key, "tpm"), tpm, tokens, "tpm")
                        .compose(
                            t -> t.allowed() ? Future.succeededFuture(requests) : undo(key, t)));
  }

  Future<Void> settle(VirtualKey key, long estimatedTokens, long actualTokens) {
    if (actualTokens < 0) {
      throw invalid("actual tokens " + actualTokens + " is negative");
    }
    long difference = actualTokens - charged(key, estimatedTokens);
    RateLimit tpm = RateLimit.perMinute(key.tokensPerMinute());
    if (difference > 0) {
      return buckets.consumeAnyway(bucket(key, "tpm"), tpm, difference);
    }
    if (difference < 0) {
      return buckets.refund(bucket(key, "tpm"), tpm, -difference);
    }
    return Future.succeededFuture();
  }

  /** A call refused for tokens gives its request back: a refused call takes nothing. */
  private Future<RateDecision> undo(VirtualKey key, RateDecision refused) {
    return buckets
        .refund(bucket(key, "rpm"), RateLimit.perMinute(key.requestsPerMinute()), 1)
        .map(refused);
  }

  /** What admit takes for an estimate: at most a whole minute's allowance. */
  private static long charged(VirtualKey key, long estimatedTokens) {
    if (estimatedTokens < 0) {
      throw invalid("estimated tokens " + estimatedTokens + " is negative");
    }
    return Math.min(estimatedTokens, key.tokensPerMinute());
  }

  private static String bucket(VirtualKey key, String limit) {
    return TenantKeyNames.of(key.tenant()).prefix() + "rl:" + key.id() + ':' + limit;
  }

  private static GovernorException invalid(String message) {
    return new GovernorException(ErrorCode.INVALID_AMOUNT, message, Map.of());
  }
}
