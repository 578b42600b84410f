package com.infrafabric.governor.keys;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The per-key limits: a requests-per-minute and a tokens-per-minute bucket per key, in the key's
 * tenant slot ({@code gov:{tenant}:rl:<id>:rpm}, followed by the limit's numbers), shared by every
 * node. Each bucket holds a minute's allowance and refills greedily.
 */
final class KeyRateLimits {

  private final SharedBuckets buckets;

  KeyRateLimits(SharedBuckets buckets) {
    this.buckets = buckets;
  }

  /**
   * Takes the request and the tokens from their buckets at once (two round trips in parallel, not
   * in turn); when either refuses, what the other took is given back, so a refused call takes
   * nothing. A refusal of the requests standing on this node is answered at once, the tokens'
   * bucket not asked.
   */
  Future<RateDecision> admit(VirtualKey key, long callTokens) {
    long tokens = charged(key, callTokens);
    Future<RateDecision> requests = buckets.tryConsume(bucket(key, "rpm"), rpm(key), 1, "rpm");
    if (RateDecision.refusedAlready(requests)) {
      return requests;
    }
    Future<RateDecision> tokensTaken =
        tokens == 0
            ? Future.succeededFuture(new RateDecision(true, 0, Duration.ZERO, "tpm"))
            : buckets.tryConsume(bucket(key, "tpm"), tpm(key), tokens, "tpm");
    return Future.all(requests, tokensTaken)
        .compose(
            both -> {
              RateDecision r = requests.result();
              RateDecision t = tokensTaken.result();
              if (r.allowed() && t.allowed()) {
                return Future.succeededFuture(r);
              }
              Future<Void> undo =
                  r.allowed()
                      ? buckets.refund(bucket(key, "rpm"), rpm(key), 1)
                      : t.allowed() && tokens > 0
                          ? buckets.refund(bucket(key, "tpm"), tpm(key), tokens)
                          : Future.succeededFuture();
              return undo.map(r.allowed() ? t : r);
            });
  }

  /**
   * Gives back what {@link #admit} took for a call that then did not go ahead: the request and the
   * call's tokens, both at once. Bucket4j adds them back without exceeding a bucket's capacity, so
   * a bucket that refilled meanwhile loses nothing it is owed.
   */
  Future<Void> giveBack(VirtualKey key, long callTokens) {
    long tokens = charged(key, callTokens);
    Future<Void> request = buckets.refund(bucket(key, "rpm"), rpm(key), 1);
    Future<Void> tokensBack =
        tokens == 0
            ? Future.succeededFuture()
            : buckets.refund(bucket(key, "tpm"), tpm(key), tokens);
    return Future.all(request, tokensBack).mapEmpty();
  }

  /** A refusal of the key's next request standing on this node, if any; takes nothing. */
  Optional<RateDecision> standing(VirtualKey key) {
    return buckets.standing(bucket(key, "rpm"), 1, "rpm");
  }

  /** Takes one request from the key's requests-per-minute bucket, and no tokens. */
  Future<RateDecision> takeRequest(VirtualKey key) {
    return buckets.tryConsume(bucket(key, "rpm"), rpm(key), 1, "rpm");
  }

  Future<Void> settle(VirtualKey key, long callTokens, long actualTokens) {
    if (actualTokens < 0) {
      throw invalid("actual tokens " + actualTokens + " is negative");
    }
    long difference = actualTokens - charged(key, callTokens);
    if (difference > 0) {
      return buckets.consumeAnyway(bucket(key, "tpm"), tpm(key), difference);
    }
    if (difference < 0) {
      return buckets.refund(bucket(key, "tpm"), tpm(key), -difference);
    }
    return Future.succeededFuture();
  }

  private static RateLimit rpm(VirtualKey key) {
    return RateLimit.perMinute(key.requestsPerMinute());
  }

  private static RateLimit tpm(VirtualKey key) {
    return RateLimit.perMinute(key.tokensPerMinute());
  }

  /**
   * What admit takes for a call's tokens (the most it can be charged): all of them. A call that may
   * use more than a whole minute's allowance is refused before it gets here (the gateway's {@code
   * CALL_TOO_LARGE}); were it admitted, it could take far more than the limit in one go.
   */
  private static long charged(VirtualKey key, long callTokens) {
    if (callTokens < 0 || callTokens > key.tokensPerMinute()) {
      throw invalid(
          "the call's tokens "
              + callTokens
              + " are outside 0.."
              + key.tokensPerMinute()
              + ", the key's tokens per minute");
    }
    return callTokens;
  }

  private static String bucket(VirtualKey key, String limit) {
    return TenantKeyNames.of(key.tenant()).prefix() + "rl:" + key.id() + ':' + limit;
  }

  private static GovernorException invalid(String message) {
    return new GovernorException(ErrorCode.INVALID_AMOUNT, message, Map.of());
  }
}
