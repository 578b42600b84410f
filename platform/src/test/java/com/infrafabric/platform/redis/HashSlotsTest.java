package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HashSlotsTest {

  @Test
  void computesTheSlotsRedisComputes() {
    assertThat(HashSlots.of("123456789")).isEqualTo(0x31C3 % 16_384);
    assertThat(HashSlots.of("foo")).isEqualTo(12_182);
    assertThat(HashSlots.of("hello")).isEqualTo(866);
  }

  @Test
  void hashesOnlyTheFirstNonEmptyTag() {
    assertThat(HashSlots.of("gov:{acme}:config")).isEqualTo(HashSlots.of("acme"));
    assertThat(HashSlots.of("gov:{acme}:r:{other}")).isEqualTo(HashSlots.of("acme"));
    assertThat(HashSlots.of("foo{}{bar}"))
        .isEqualTo(HashSlots.of("foo{}{bar}"))
        .isNotEqualTo(HashSlots.of("bar"));
    assertThat(HashSlots.of("foo{{bar}}zap")).isEqualTo(HashSlots.of("{bar"));
  }

  @Test
  void namesTwoKeysThatDoNotShareASlot() {
    assertThat(HashSlots.shared("s", List.of("{t}:a", "{t}:b"))).isEqualTo(HashSlots.of("t"));
    assertThatThrownBy(() -> HashSlots.shared("script s", List.of("{t}:a", "{u}:b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("script s touches {t}:a and {u}:b in different hash slots");
  }
}
