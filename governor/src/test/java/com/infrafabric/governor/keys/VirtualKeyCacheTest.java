package com.infrafabric.governor.keys;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-node cache of live keys: two nodes (two {@link VirtualKeys} on one Redis and one clock),
 * a change made on one holds on the other within the cache's ttl and not later, at once on the one
 * that made it; the cache holds only hashes of keys that authenticated.
 */
@Timeout(60)
class VirtualKeyCacheTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  private static final Duration TTL = Duration.ofMillis(500);

  private static GovernorRig rig;
  private static VirtualKeys nodeA;
  private static VirtualKeys nodeB;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at(START));
    nodeA = node(TTL);
    nodeB = node(TTL);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @AfterEach
  void rewind() {
    rig.clock.set(START);
  }

  private static VirtualKeys node(Duration ttl) {
    return new VirtualKeys(
        rig.scripts, rig.redis, SharedBuckets.create(rig.redis, rig.clock), 100, ttl);
  }

  private static IssuedKey create(String tenant, Instant expiry) {
    KeySpec spec = new KeySpec(Scope.parse(tenant), Set.of("*"), 100, 10_000, Map.of(), expiry);
    return Await.result(nodeA.create(spec, newKey(), GovernorRig.ADMIN));
  }

  private static boolean authenticates(VirtualKeys node, String secret) {
    return Await.result(node.authenticate(secret)).isPresent();
  }

  @Test
  void aRevocationOnOneNodeHoldsThereAtOnceAndOnTheOtherWithinTheTtl() {
    String t = freshTenant("vkc-rev");
    IssuedKey issued = create(t, null);
    String secret = issued.secret().orElseThrow();
    assertThat(authenticates(nodeA, secret)).isTrue();
    assertThat(authenticates(nodeB, secret)).isTrue();

    Await.result(nodeA.revoke(t, issued.key().id(), Scope.parse(t), newKey(), GovernorRig.ADMIN));

    assertThat(authenticates(nodeA, secret)).as("the node that revoked").isFalse();
    rig.clock.advance(TTL.minusMillis(1));
    assertThat(authenticates(nodeB, secret)).as("the other node, within the ttl").isTrue();
    rig.clock.advance(Duration.ofMillis(1));
    assertThat(authenticates(nodeB, secret)).as("the other node, at the ttl").isFalse();
  }

  @Test
  void aRotationOnOneNodeEndsTheOldSecretOnTheOtherWithinTheTtlAndTheNewOneWorksAtOnce() {
    String t = freshTenant("vkc-rot");
    IssuedKey issued = create(t, null);
    String old = issued.secret().orElseThrow();
    assertThat(authenticates(nodeB, old)).isTrue();

    String fresh =
        Await.result(
                nodeA.rotate(t, issued.key().id(), Scope.parse(t), newKey(), GovernorRig.ADMIN))
            .secret()
            .orElseThrow();

    assertThat(authenticates(nodeB, fresh)).isTrue();
    assertThat(authenticates(nodeA, old)).isFalse();
    rig.clock.advance(TTL);
    assertThat(authenticates(nodeB, old)).isFalse();
    assertThat(authenticates(nodeB, fresh)).isTrue();
  }

  @Test
  void withAZeroTtlEveryCallReadsTheRecord() {
    VirtualKeys uncached = node(Duration.ZERO);
    String t = freshTenant("vkc-zero");
    IssuedKey issued = create(t, null);
    String secret = issued.secret().orElseThrow();
    assertThat(authenticates(uncached, secret)).isTrue();

    Await.result(nodeA.revoke(t, issued.key().id(), Scope.parse(t), newKey(), GovernorRig.ADMIN));

    assertThat(authenticates(uncached, secret)).isFalse();
    assertThat(uncached.cachedHashes()).isEmpty();
  }

  @Test
  void aCachedKeyStopsAtItsOwnExpiryEvenWithinTheTtl() {
    String t = freshTenant("vkc-exp");
    IssuedKey issued = create(t, START.plusMillis(100));
    String secret = issued.secret().orElseThrow();
    assertThat(authenticates(nodeB, secret)).isTrue();

    rig.clock.advance(Duration.ofMillis(100));

    assertThat(authenticates(nodeB, secret)).isFalse();
  }

  @Test
  void theCacheHoldsOnlyTheHashOfKeysThatAuthenticatedNeverTheSecret() throws Exception {
    VirtualKeys node = node(TTL);
    String t = freshTenant("vkc-hash");
    String secret = create(t, null).secret().orElseThrow();
    String forged = secret.substring(0, secret.lastIndexOf('.') + 1) + "A".repeat(43);
    String unknown = "ifk_" + t + ".k00000000000000000000." + "B".repeat(43);

    for (String refused : List.of(forged, unknown)) {
      assertThat(authenticates(node, refused)).as(refused).isFalse();
    }
    assertThat(node.cachedHashes()).as("refused keys fill nothing").isEmpty();

    assertThat(authenticates(node, secret)).isTrue();
    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
    assertThat(node.cachedHashes()).containsExactly(sha256);
    String secretPart = secret.substring(secret.lastIndexOf('.') + 1);
    assertThat(node.cachedHashes()).noneMatch(hash -> hash.contains(secretPart));
  }

  /**
   * Regression: every well-formed made-up key cost the shared Redis a read, as fast as the node
   * took connections. Past the bound, a key not found live here lately is turned away without a
   * read, a key found live lately is still read, and a lookup that finds a live key gives its place
   * back.
   */
  @Test
  void aFloodOfUnknownKeysIsTurnedAwayWithoutAReadWhileKeysFoundLiveLatelyStillAuthenticate() {
    VirtualKeys node = node(Duration.ZERO);
    String t = freshTenant("vkc-flood");
    String known = create(t, null).secret().orElseThrow();
    assertThat(authenticates(node, known)).isTrue();
    for (int i = 0; i < KeyLookups.PER_SECOND; i++) {
      assertThat(authenticates(node, madeUp(t, i))).isFalse();
    }

    assertThatThrownBy(() -> Await.result(node.authenticate(madeUp(t, -1))))
        .isInstanceOfSatisfying(
            ApiException.class,
            refused -> {
              assertThat(refused.code()).isEqualTo(ErrorCode.OVERLOADED);
              assertThat(refused.retryAfter()).contains(Duration.ofSeconds(1));
            });
    assertThat(authenticates(node, known)).as("found live lately: still read").isTrue();
    String first = create(t, null).secret().orElseThrow();
    assertThat(node.authenticate(first).failed()).as("never found live here").isTrue();

    rig.clock.advance(Duration.ofMillis(1)); // one lookup's place
    assertThat(authenticates(node, first)).as("a live key: its place given back").isTrue();
    assertThat(authenticates(node, madeUp(t, -2))).isFalse();
    assertThat(node.authenticate(madeUp(t, -3)).failed()).isTrue();
  }

  /** A well-formed key of tenant {@code t} that was never issued. */
  private static String madeUp(String t, int n) {
    return "ifk_" + t + ".k" + String.format("%020x", n & 0xffffffffL) + "." + "C".repeat(43);
  }
}
