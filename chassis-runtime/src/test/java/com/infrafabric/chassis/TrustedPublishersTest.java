package com.infrafabric.chassis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.testing.Publisher;
import org.junit.jupiter.api.Test;

class TrustedPublishersTest {

  private static final Publisher ACME = Publisher.generate("acme-2025");

  /**
   * A key set written before publishers were named keeps every identity: each key is its own
   * publisher, so kv data stored under a kid stays in its namespace.
   */
  @Test
  void aKeyThatNamesNoPublisherIsItsOwnPublisher() {
    TrustedPublishers trusted = TrustedPublishers.parse(Publisher.jwks(ACME));
    assertThat(trusted.key("acme-2025").orElseThrow().publisher()).isEqualTo("acme-2025");
    assertThat(trusted.key("acme-2025").orElseThrow().key()).isEqualTo(ACME.key().toPublicJWK());
    assertThat(trusted.key("other")).isEmpty();
  }

  @Test
  void aRotatedKeySignsForThePublisherItNames() {
    TrustedPublishers trusted =
        TrustedPublishers.parse(Publisher.jwks(ACME, ACME.rotated("acme-2026")));
    assertThat(trusted.key("acme-2026").orElseThrow().publisher()).isEqualTo("acme-2025");
  }

  @Test
  void aPublisherThatIsNotANonBlankStringIsRefused() {
    String jwks = Publisher.jwks(ACME);
    assertRefused(
        jwks.replace("\"kid\":", "\"publisher\":7,\"kid\":"),
        "trustedPublishers key acme-2025 has a publisher that is not a non-blank string");
    assertRefused(
        jwks.replace("\"kid\":", "\"publisher\":\" \",\"kid\":"),
        "trustedPublishers key acme-2025 has a publisher that is not a non-blank string");
  }

  /** Two keys under one kid would leave which publisher a signature speaks for to chance. */
  @Test
  void twoKeysWithOneKidAreRefused() {
    assertRefused(
        Publisher.jwks(ACME, Publisher.generate("acme-2025")),
        "trustedPublishers holds two keys with kid acme-2025");
  }

  @Test
  void aSetThatIsNotAJwksOrHoldsNoKeyIsRefused() {
    assertRefused("not json", "trustedPublishers is not a valid JWKS document");
    assertRefused("{}", "trustedPublishers is not a valid JWKS document");
    assertRefused("{\"keys\":[]}", "trustedPublishers must hold at least one key");
  }

  private static void assertRefused(String jwks, String message) {
    assertThatThrownBy(() -> TrustedPublishers.parse(jwks))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
