package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  private final VerifiedTokens tokens =
      new VerifiedTokens(2, Duration.ofSeconds(60), Duration.ofSeconds(30), clock);
  private final Principal alice = Principal.of("alice", Set.of("agent"));

  @Test
  void aRememberedTokenIsKnownUntilItExpiresPlusTheSkew() {
    tokens.remember("token-a", alice, clock.instant().plusSeconds(10));
    assertThat(tokens.lookup("token-a")).contains(alice);
    clock.advance(Duration.ofSeconds(39));
    assertThat(tokens.lookup("token-a")).contains(alice);
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.lookup("token-a")).isEmpty();
  }

  @Test
  void aLongLivedTokenIsVerifiedAgainAfterTheMaximumAgeSoRemovedKeysStopCounting() {
    tokens.remember("token-a", alice, Instant.parse("2026-11-24T00:00:00Z"));
    clock.advance(Duration.ofSeconds(59));
    assertThat(tokens.lookup("token-a")).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.lookup("token-a")).isEmpty();
  }

  @Test
  void theLeastRecentlyUsedTokenGoesWhenFullAndUnknownTokensAreNotKnown() {
    Instant later = clock.instant().plusSeconds(600);
    tokens.remember("token-a", alice, later);
    tokens.remember("token-b", alice, later);
    tokens.lookup("token-a");
    tokens.remember("token-c", alice, later);
    assertThat(tokens.lookup("token-b")).isEmpty();
    assertThat(tokens.lookup("token-a")).isPresent();
    assertThat(tokens.lookup("token-c")).isPresent();
    assertThat(tokens.lookup("never-seen")).isEmpty();
  }
}
