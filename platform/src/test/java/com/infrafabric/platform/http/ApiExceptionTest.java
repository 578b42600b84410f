package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiExceptionTest {

  /**
   * The wait an error carries is what {@code Retry-After} says, in whole seconds rounded up and at
   * least one, and a sentence built for it quotes that same number, never the wait rounded another
   * way.
   */
  @ParameterizedTest
  @CsvSource({
    "0, 1",
    "1, 1",
    "999, 1",
    "1000, 1",
    "1001, 2",
    "59300, 60",
    "59999, 60",
    "60000, 60",
    "60001, 61"
  })
  void aSentenceOfTheWaitQuotesTheWholeSecondsOfRetryAfter(long millis, long seconds) {
    ApiException error =
        ApiException.retryAfter(
            ErrorCode.RATE_LIMITED, s -> "Retry after " + s + " s.", Duration.ofMillis(millis));

    assertThat(error.retryAfter()).contains(Duration.ofSeconds(seconds));
    assertThat(error.getMessage()).isEqualTo("Retry after " + seconds + " s.");
  }
}
