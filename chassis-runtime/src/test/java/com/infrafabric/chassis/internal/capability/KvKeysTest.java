package com.infrafabric.chassis.internal.capability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KvKeysTest {

  @Test
  void acceptsVisibleAsciiUpTo256Bytes() {
    assertThat(KvFunctions.validKey(bytes("user:42/profile{x}"), false)).isTrue();
    assertThat(KvFunctions.validKey(bytes("k".repeat(256)), false)).isTrue();
  }

  @Test
  void refusesEmptyLongSpacedControlAndNonAsciiKeys() {
    assertThat(KvFunctions.validKey(new byte[0], false)).isFalse();
    assertThat(KvFunctions.validKey(bytes("k".repeat(257)), false)).isFalse();
    assertThat(KvFunctions.validKey(bytes("a b"), false)).isFalse();
    assertThat(KvFunctions.validKey(bytes("a\nb"), false)).isFalse();
    assertThat(KvFunctions.validKey(new byte[] {'a', 0}, false)).isFalse();
    assertThat(KvFunctions.validKey("é".getBytes(StandardCharsets.UTF_8), false)).isFalse();
  }

  @Test
  void allowsAnEmptyPrefixForListing() {
    assertThat(KvFunctions.validKey(new byte[0], true)).isTrue();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
