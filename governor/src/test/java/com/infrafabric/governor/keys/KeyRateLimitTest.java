package com.infrafabric.governor.keys;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-key limits and revocation seen from two governor nodes: each node has its own Redis client,
 * tenant scripts and bucket proxies, sharing only the redis-server.
 */
@Timeout(60)
class KeyRateLimitTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final MutableClock CLOCK = MutableClock.at("2026-11-23T10:00:00Z");
  private static GovernorRig nodeA;
  private static GovernorRig nodeB;
  private static VirtualKeys keysA;
  private static VirtualKeys keysB;

  @BeforeAll
  static void start() {
    nodeA = new GovernorRig(REDIS.endpoint(), CLOCK);
    nodeB = new GovernorRig(REDIS.endpoint(), CLOCK);
    keysA = node(nodeA);
    keysB = node(nodeB);
  }

  private static VirtualKeys node(GovernorRig rig) {
    return new VirtualKeys(
        rig.scripts, rig.redis, SharedBuckets.create(rig.redis, CLOCK), 100, Duration.ZERO);
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
  }

  private static VirtualKey key(long rpm, long tpm) {
    KeySpec spec =
        new KeySpec(Scope.parse(freshTenant("rl")), Set.of("*"), rpm, tpm, Map.of(), null);
    return Await.result(keysA.create(spec, newKey(), GovernorRig.ADMIN)).key();
  }

  @Test
  void requestsPerMinuteHoldAcrossNodesAndRefillWithTime() {
    VirtualKey key = key(3, 1_000_000);

    assertThat(Await.result(keysA.admit(key, 10)).allowed()).isTrue();
    assertThat(Await.result(keysB.admit(key, 10)).allowed()).isTrue();
    assertThat(Await.result(keysA.admit(key, 10)).allowed()).isTrue();
    RateDecision refused = Await.result(keysB.admit(key, 10));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.limitName()).isEqualTo("rpm");
    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
    CLOCK.advance(Duration.ofSeconds(20));
    assertThat(Await.result(keysB.admit(key, 10)).allowed()).isTrue();
  }

  @Test
  void tokensPerMinuteRefuseACallThatDoesNotFitAndTakeNothingFromIt() {
    VirtualKey key = key(2, 1_000);

    assertThat(Await.result(keysA.admit(key, 700)).allowed()).isTrue();
    RateDecision refused = Await.result(keysB.admit(key, 400));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.limitName()).isEqualTo("tpm");

    // the refused call gave its request back: one request is still left this minute
    assertThat(Await.result(keysB.admit(key, 300)).allowed()).isTrue();
    assertThat(Await.result(keysA.admit(key, 1)).limitName()).isEqualTo("rpm");
  }

  @Test
  void aCallRefusedForRequestsGivesItsTokensBack() {
    VirtualKey key = key(2, 1_200);

    assertThat(Await.result(keysA.admit(key, 800)).allowed()).isTrue();
    assertThat(Await.result(keysB.admit(key, 0)).allowed()).isTrue();
    assertThat(Await.result(keysA.admit(key, 300)).limitName()).isEqualTo("rpm");
    CLOCK.advance(Duration.ofSeconds(30));

    // 400 left + 600 refilled: only if the refused call gave its 300 back does 1,000 fit
    assertThat(Await.result(keysB.admit(key, 1_000)).allowed()).isTrue();
  }

  @Test
  void settlingGivesBackAnOverEstimateAndChargesAnUnderEstimate() {
    VirtualKey key = key(100, 1_000);

    Await.result(keysA.admit(key, 900));
    assertThat(Await.result(keysB.admit(key, 500)).allowed()).isFalse();
    Await.result(keysA.settle(key, 900, 300));
    // B's refusal stands on B for up to a second before it asks Redis again.
    CLOCK.advance(Duration.ofSeconds(1));
    assertThat(Await.result(keysB.admit(key, 500)).allowed()).isTrue();

    // 200 left; the call used 1,500 more than it said: the bucket owes them
    Await.result(keysB.settle(key, 500, 2_000));
    RateDecision owed = Await.result(keysA.admit(key, 1));
    assertThat(owed.allowed()).isFalse();
    assertThat(owed.retryAfter()).isGreaterThan(Duration.ofSeconds(60));
  }

  /** The gateway refuses such a call first (CALL_TOO_LARGE); the buckets never take one. */
  @Test
  void anEstimateAboveAMinutesAllowanceIsNeverTaken() {
    VirtualKey key = key(100, 1_000);

    assertThatThrownBy(() -> keysA.admit(key, 1_001)).isInstanceOf(GovernorException.class);
    assertThatThrownBy(() -> keysA.admit(key, -1)).isInstanceOf(GovernorException.class);
    assertThat(Await.result(keysA.admit(key, 1_000)).allowed()).isTrue();
  }

  @Test
  void aRevocationOnOneNodeHoldsOnTheOtherAtOnce() {
    String t = freshTenant("revoke");
    KeySpec spec = new KeySpec(Scope.parse(t), Set.of("*"), 10, 10, Map.of(), null);
    IssuedKey issued = Await.result(keysA.create(spec, newKey(), GovernorRig.ADMIN));
    String secret = issued.secret().orElseThrow();
    assertThat(Await.result(keysB.authenticate(secret))).isPresent();

    IssuedKey rotated =
        Await.result(
            keysA.rotate(t, issued.key().id(), Scope.parse(t), newKey(), GovernorRig.ADMIN));
    assertThat(Await.result(keysB.authenticate(secret))).isEmpty();
    String fresh = rotated.secret().orElseThrow();
    assertThat(Await.result(keysB.authenticate(fresh))).isPresent();

    Await.result(keysB.revoke(t, issued.key().id(), Scope.parse(t), newKey(), GovernorRig.ADMIN));
    assertThat(Await.result(keysA.authenticate(fresh))).isEmpty();
  }
}
