package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.GovernorException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

  @Test
  void aKeyIsOneTo128CharactersOfLettersDigitsDotUnderscoreColonAndDash() {
    for (String value : List.of("a", "call-1", "A.b_c:d-9", "x".repeat(128))) {
      assertThat(IdempotencyKey.of(value).value()).isEqualTo(value);
    }
    for (String value : List.of("", "a b", "a/b", "a{b", "é", "a\n", "x".repeat(129))) {
      assertThatThrownBy(() -> IdempotencyKey.of(value))
          .as(value)
          .isInstanceOf(GovernorException.class)
          .hasMessage("idempotency key must be 1-128 characters of A-Z a-z 0-9 . _ : -");
    }
    assertThatThrownBy(() -> IdempotencyKey.of(null)).isInstanceOf(GovernorException.class);
  }

  @Test
  void aCallersKeyIsOwnedByA32DigitDigestOfItsSubjectAndScope() {
    IdempotencyKey key = IdempotencyKey.ofCaller("agent-7", "acme/a", "call-1");

    assertThat(key.owner()).hasSize(32).matches("[0-9a-f]{32}");
    assertThat(IdempotencyKey.ofCaller("agent-8", "acme/a", "call-1").owner())
        .isNotEqualTo(key.owner());
    assertThat(IdempotencyKey.ofCaller("agent-7", "acme/b", "call-1").owner())
        .as("one subject's tokens of sibling subtrees")
        .isNotEqualTo(key.owner());
    for (String owner : List.of("abc", "A".repeat(32), "g".repeat(32), "0".repeat(33))) {
      assertThatThrownBy(() -> new IdempotencyKey(owner, "call-1"))
          .as(owner)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
