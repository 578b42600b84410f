package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.MutableClock;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  private final VerifiedTokens tokens = new VerifiedTokens(2, Duration.ofSeconds(30), clock);
  private final Principal alice = Principal.of("alice", Set.of("agent"));
  private final JWK key = publicKey("k1");

  @Test
  void aRememberedTokenIsKnownUntilItExpiresPlusTheSkew() {
    tokens.remember("token-a", alice, key, clock.instant().plusSeconds(10));
    assertThat(tokens.lookup("token-a")).map(VerifiedTokens.Remembered::principal).contains(alice);
    clock.advance(Duration.ofSeconds(39));
    assertThat(tokens.lookup("token-a")).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.lookup("token-a")).isEmpty();
  }

  @Test
  void aLongLivedTokenStaysRememberedPastTheKeyFileRefresh() {
    tokens.remember("token-a", alice, key, Instant.parse("2026-11-24T00:00:00Z"));
    clock.advance(JwtSettings.DEFAULT_JWKS_REFRESH.multipliedBy(10));
    assertThat(tokens.lookup("token-a")).isPresent();
  }

  @Test
  void aRememberedTokenCountsOnlyWhileTheKeyThatVerifiedItIsInTheSet() {
    tokens.remember("token-a", alice, key, clock.instant().plusSeconds(600));
    VerifiedTokens.Remembered remembered = tokens.lookup("token-a").orElseThrow();

    assertThat(remembered.stillSignedBy(new JWKSet(key))).isTrue();
    assertThat(remembered.stillSignedBy(new JWKSet(List.of(publicKey("k0"), key)))).isTrue();
    assertThat(remembered.stillSignedBy(new JWKSet(publicKey("k2")))).isFalse();
    assertThat(remembered.stillSignedBy(new JWKSet(publicKey("k1"))))
        .as("same kid, new key")
        .isFalse();
  }

  @Test
  void theLeastRecentlyUsedTokenGoesWhenFullAndUnknownTokensAreNotKnown() {
    Instant later = clock.instant().plusSeconds(600);
    tokens.remember("token-a", alice, key, later);
    tokens.remember("token-b", alice, key, later);
    tokens.lookup("token-a");
    tokens.remember("token-c", alice, key, later);
    assertThat(tokens.lookup("token-b")).isEmpty();
    assertThat(tokens.lookup("token-a")).isPresent();
    assertThat(tokens.lookup("token-c")).isPresent();
    assertThat(tokens.lookup("never-seen")).isEmpty();
  }

  private static ECKey publicKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate().toPublicJWK();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
