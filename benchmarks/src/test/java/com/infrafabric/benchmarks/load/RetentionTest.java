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

  private static final SteadyLoad PAIRS_200 = new SteadyLoad(200, 0, Duration.ZERO);

  @Test
  void theFormulaGivesTheReadmesFiguresForTheDefaultsAt100PairsASecond() {
    Retention defaults = serviceDefaultsWith(Duration.ofHours(48), Duration.ofDays(7));

    Retention.Held held = defaults.held(new SteadyLoad(100, 0, Duration.ZERO), 1);

    // README: about 17.2 GB of idempotency records, 8.1 GB of reservation records, 29 GB of
    // ledger and 1.07 GB of key tables (41.5 million keys, 2^26 slots in each table).
    assertThat(held.idempotency())
        .as("200 × 90,000 s / 0.85")
        .isCloseTo(21_176_470.59, within(1.0));
    assertThat(held.retained()).as("100 × 172,800 s / 0.85").isCloseTo(20_329_411.76, within(1.0));
    assertThat(held.ledgerEntries()).as("2 × 100 × 604,860 s").isCloseTo(120.972e6, within(1.0));
    assertThat(held.keys()).isCloseTo(41_505_882.35, within(1.0));
    assertThat(held.bytes())
        .isCloseTo(
            17_237_647_058.82 + 8_131_764_705.88 + 29_033_280_000.0 + 16 * (double) (1L << 26),
            within(1.0));
  }

  @Test
  void anHourOfRecordRetentionAndArchiveAgeShrinkThoseTermsAndHalveTheTables() {
    Retention hour = serviceDefaultsWith(Duration.ofHours(1), Duration.ofHours(1));

    Retention.Held held = hour.held(new SteadyLoad(100, 0, Duration.ZERO), 1);

    // README: 0.17 GB of reservation records, 0.18 GB of ledger, 0.54 GB of key tables.
    assertThat(held.retained() * Retention.RESERVATION_BYTES)
        .isCloseTo(169_411_764.71, within(1.0));
    assertThat(held.ledgerEntries() * Retention.LEDGER_ENTRY_BYTES)
        .isCloseTo(0.17568e9, within(1.0));
    assertThat(Retention.tableSlots(Math.round(held.keys()))).isEqualTo(1L << 25);
  }

  @Test
  void aMinuteOfEachAt200PairsASecondHoldsAbout35Megabytes() {
    // 814 × 400 × 60 / 0.85 + 400 × 200 × 60 / 0.85 + 240 × 400 × (60 + 5) + 8 × 2 × 65,536:
    // 42,353 keys, all with a TTL, so both tables have 65,536 slots.
    assertThat(MINUTE.held(PAIRS_200, 1).bytes())
        .isCloseTo(22_983_529.41 + 5_647_058.82 + 6_240_000 + 1_048_576, within(1.0));
  }

  @Test
  void anAbandonedHoldKeepsItsReserveRecordItsHoldARetainedRecordAndTwoLedgerEntries() {
    double abandoned10 = MINUTE.held(new SteadyLoad(200, 10, Duration.ZERO), 1).bytes();

    // 10/s × (814 × 60 / 0.85 + 400 × 60 + 400 × 60 / 0.85 + 240 × 2 × 65), the tables unchanged.
    assertThat(abandoned10 - MINUTE.held(PAIRS_200, 1).bytes())
        .isCloseTo(574_588.24 + 240_000 + 282_352.94 + 312_000, within(1.0));
  }

  @Test
  void theTablesStepWhenTheKeysPassAPowerOfTwo() {
    // 211.8 keys per pair/s: 154 pairs/s is 32,612 keys, 155 is 32,824, past 2^15.
    double below = MINUTE.held(new SteadyLoad(154, 0, Duration.ZERO), 1).bytes();
    double above = MINUTE.held(new SteadyLoad(155, 0, Duration.ZERO), 1).bytes();

    assertThat(above - below)
        .as("one pair/s more of records, and both tables doubled from 32,768 slots")
        .isCloseTo(174_352.94 + 2 * 8 * 32_768, within(1.0));
  }

  @Test
  void aTableHasThePowerOfTwoAtOrAboveItsKeys() {
    assertThat(Retention.tableSlots(0)).isEqualTo(4);
    assertThat(Retention.tableSlots(4)).isEqualTo(4);
    assertThat(Retention.tableSlots(5)).isEqualTo(8);
    assertThat(Retention.tableSlots(1L << 25)).isEqualTo(1L << 25);
    assertThat(Retention.tableSlots((1L << 25) + 1)).isEqualTo(1L << 26);
  }

  @Test
  void moreThanAPageOfTenantsTakesTheArchiveOneIntervalPerPage() {
    double oneTenant = MINUTE.held(PAIRS_200, 1).bytes();
    assertThat(MINUTE.held(PAIRS_200, 101).bytes() - oneTenant)
        .isCloseTo(240 * 2 * 200 * 5, within(1.0));
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

  /**
   * The service's default idempotency TTL (25 h), reservation TTL (5 min) and archive interval (1
   * min), with the two retentions the README's sizing examples vary.
   */
  private static Retention serviceDefaultsWith(Duration recordRetention, Duration archiveAge) {
    return new Retention(
        Duration.ofHours(25),
        Duration.ofMinutes(5),
        recordRetention,
        archiveAge,
        Duration.ofMinutes(1));
  }
}
