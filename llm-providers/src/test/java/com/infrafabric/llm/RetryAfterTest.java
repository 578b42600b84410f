package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a provider's {@code Retry-After} was read only as one to six digits, so an HTTP-date
 * or a longer count of seconds, both valid by RFC 9110, were taken for no header. Each form is read
 * here, at the extremes, relative to the clock and capped at the breaker's reset.
 */
class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration CAP = Duration.ofSeconds(30);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | 0",
        "30 | 30",
        "31 | 30",
        "999999 | 30",
        "1000000 | 30",
        "9223372036854775807 | 30",
        "99999999999999999999999999999999999999 | 30",
        "000000000000000000000000000000000000012 | 12",
        "Mon, 07 Dec 2026 10:00:07 GMT | 7",
        "Mon, 07 Dec 2026 10:00:00 GMT | 0",
        "Thu, 01 Jan 1970 00:00:00 GMT | 0",
        "Fri, 31 Dec 9999 23:59:59 GMT | 30",
        "Monday, 07-Dec-26 10:00:11 GMT | 11",
        "Wednesday, 07-Dec-77 10:00:00 GMT | 0",
        "Mon Dec  7 10:00:13 2026 | 13"
      })
  void readsDeltaSecondsOfAnyLengthAndEveryHttpDateForm(String header, long seconds) {
    assertThat(RetryAfter.parse(header, NOW, CAP)).hasValue(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1.5", "12s", "soon", "Mon, 07 Dec 2026 10:00:07", "0x10"})
  void anythingElseIsNoHeader(String header) {
    assertThat(RetryAfter.parse(header, NOW, CAP)).isEmpty();
  }

  @Test
  void noHeaderIsNoWait() {
    assertThat(RetryAfter.parse(null, NOW, CAP)).isEmpty();
  }
}
