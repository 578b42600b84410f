package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static final Retention MINUTE =
      new Retention(
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofSeconds(5));

  @Test
  void theFormulaGivesTheReadmesFiguresForTheDefaultsAt100PairsASecond() {
    Retention defaults =
        new Retention(
            Duration.ofHours(25),
            Duration.ofMinutes(5),
            Duration.ofHours(48),
            Duration.ofDays(7),
            Duration.ofMinutes(1));

    // README: about 10.5 GB of idempotency records, 6.2 GB of reservation records, 28 GB of ledger.
    assertThat(defaults.predictedBytes(100, Duration.ZERO, 1))
        .isCloseTo(10.53e9 + 6.221e9 + 28.43e9, within(0.01e9));
  }

  @Test
  void aMinuteOfEachAt200PairsASecondHoldsAbout24Megabytes() {
    // 200 × (1170 × 60 + 360 × 60 + 470 × (60 + 5))
    assertThat(MINUTE.predictedBytes(200, Duration.ZERO, 1)).isCloseTo(24_470_000, within(1.0));
  }

  @Test
  void moreThanAPageOfTenantsTakesTheArchiveOneIntervalPerPage() {
    double oneTenant = MINUTE.predictedBytes(200, Duration.ZERO, 1);
    assertThat(MINUTE.predictedBytes(200, Duration.ZERO, 101) - oneTenant)
        .isCloseTo(200 * 470 * 5, within(1.0));
  }

  @Test
  void theWarmUpIsTheLongerStayPlusTheArchiveAgeAndOneInterval() {
    assertThat(MINUTE.warmup())
        .as("a reservation held a minute then kept a minute, then an entry's 65 s to the archive")
        .isEqualTo(Duration.ofSeconds(185));
    assertThat(
            new Retention(
                    Duration.ofMinutes(3),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(1))
                .warmup())
        .isEqualTo(Duration.ofSeconds(241));
  }

  @Test
  void anArchiveAgeTheServiceRefusesIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(
            () ->
                new Retention(
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(5)))
        .hasMessage("ledger.archive.age PT30S is shorter than the minimum of 1 minute");
  }

  @Test
  void aHoldShorterThanTheServiceAllowsIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(
            () ->
                new Retention(
                    Duration.ofMinutes(1),
                    Duration.ofMillis(500),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(5)))
        .hasMessage("reservation TTL PT0.5S is shorter than the service's minimum of 1 second");
  }
}
