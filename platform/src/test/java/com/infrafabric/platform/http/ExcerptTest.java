package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExcerptTest {

  @Test
  void textWithinTheBoundIsKeptWhole() {
    assertThat(Excerpt.of("Bearer", 6)).isEqualTo("Bearer");
    assertThat(Excerpt.quoted("x".repeat(64))).isEqualTo('"' + "x".repeat(64) + '"');
  }

  @Test
  void longerTextIsCutToTheBoundEndingInAnEllipsis() {
    assertThat(Excerpt.of("abcdefgh", 5)).isEqualTo("abcd\u2026");
    assertThat(Excerpt.quoted("s".repeat(9000)))
        .isEqualTo('"' + "s".repeat(63) + "\u2026\"")
        .hasSize(Excerpt.VALUE_CHARS + 2);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    assertThat(Excerpt.of("ab" + emoji + "cd", 4)).isEqualTo("ab\u2026");
    assertThat(Excerpt.of("abc" + emoji + "d", 4)).isEqualTo("abc\u2026");
  }
}
