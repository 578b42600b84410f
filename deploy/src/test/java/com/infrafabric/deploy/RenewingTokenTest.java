package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.testing.MutableClock;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewingTokenTest {

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  private final RenewingToken token =
      new RenewingToken(
          TokenMinter.fromPrivateJwks(SigningKeyPair.generate("ES256").privateJwks()),
          TokenSpec.of("local-chassis", "issuer", "audience", Duration.ofHours(1))
              .withRoles("chassis"),
          clock);

  @Test
  void theSameTokenIsHandedOutUntilHalfItsLifetimeHasPassed() throws ParseException {
    String first = token.get();
    clock.advance(Duration.ofMinutes(29));

    assertThat(token.get()).isSameAs(first);
    JWTClaimsSet claims = SignedJWT.parse(first).getJWTClaimsSet();
    assertThat(claims.getStringListClaim("roles")).containsExactly("chassis");
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(Instant.parse("2026-11-23T11:00:00Z"));
  }

  @Test
  void atHalfItsLifetimeAFreshTokenIsMinted() throws ParseException {
    String first = token.get();
    clock.advance(Duration.ofMinutes(30));

    String renewed = token.get();

    assertThat(renewed).isNotEqualTo(first);
    assertThat(SignedJWT.parse(renewed).getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(Instant.parse("2026-11-23T11:30:00Z"));
    assertThat(token.get()).isSameAs(renewed);
  }
}
