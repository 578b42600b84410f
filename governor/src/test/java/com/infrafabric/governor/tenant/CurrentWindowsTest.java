package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CurrentWindowsTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private final CurrentWindows windows = new CurrentWindows();

  @Test
  void theWindowsOfOneDayAreWorkedOutOnce() {
    CalendarWindows morning = windows.at(Instant.parse("2026-03-28T07:00:00Z"), PARIS);

    assertThat(windows.at(Instant.parse("2026-03-28T22:59:59Z"), PARIS)).isSameAs(morning);
    assertThat(morning).isEqualTo(CalendarWindows.at(Instant.parse("2026-03-28T07:00:00Z"), PARIS));
  }

  @Test
  void theNextDayInTheZoneGetsItsOwnWindowsAndTheOldestKeptMoveOn() {
    windows.at(Instant.parse("2026-03-31T12:00:00Z"), PARIS);

    // 22:00 UTC on March 31 is already April 1 in Paris.
    CalendarWindows april = windows.at(Instant.parse("2026-03-31T22:00:00Z"), PARIS);

    assertThat(april.dayId()).isEqualTo("d20260401");
    assertThat(april.monthId()).isEqualTo("m202604");
    assertThat(april.oldestDayKept()).isEqualTo("d20260129");
    assertThat(april.oldestMonthKept()).isEqualTo("m202503");
  }

  @Test
  void aClockMovedBackGetsTheWindowsOfItsOwnDay() {
    windows.at(Instant.parse("2026-06-15T12:00:00Z"), PARIS);

    CalendarWindows earlier = windows.at(Instant.parse("2026-06-14T12:00:00Z"), PARIS);

    assertThat(earlier.dayId()).isEqualTo("d20260614");
  }

  @Test
  void eachZoneHasItsOwnDay() {
    Instant now = Instant.parse("2026-06-14T23:30:00Z");

    assertThat(windows.at(now, PARIS).dayId()).isEqualTo("d20260615");
    assertThat(windows.at(now, ZoneId.of("UTC")).dayId()).isEqualTo("d20260614");
  }
}
