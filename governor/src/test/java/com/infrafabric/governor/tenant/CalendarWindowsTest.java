package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CalendarWindowsTest {

  @Test
  void utcWindowsAreNamedByDateAndEndAtMidnight() {
    CalendarWindows windows =
        CalendarWindows.at(Instant.parse("2026-12-31T23:59:59Z"), ZoneOffset.UTC);
    assertThat(windows.dayId()).isEqualTo("d20261231");
    assertThat(windows.monthId()).isEqualTo("m202612");
    assertThat(windows.dayEnd()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(windows.monthEnd()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(windows.resetsAt(Window.LIFETIME)).isNull();
  }

  @Test
  void zonedWindowsFollowTheLocalCalendarIncludingDaylightSavingDays() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    // 2026-03-29 is the spring-forward day in Paris: it lasts 23 hours.
    CalendarWindows springForward =
        CalendarWindows.at(Instant.parse("2026-03-29T12:00:00Z"), paris);
    assertThat(springForward.dayId()).isEqualTo("d20260329");
    assertThat(springForward.dayEnd()).isEqualTo(Instant.parse("2026-03-29T22:00:00Z"));

    // 23:30 UTC on Jan 31 is already Feb 1 in Paris.
    CalendarWindows february = CalendarWindows.at(Instant.parse("2026-01-31T23:30:00Z"), paris);
    assertThat(february.dayId()).isEqualTo("d20260201");
    assertThat(february.monthId()).isEqualTo("m202602");
    assertThat(february.monthEnd()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
  }

  @Test
  void theWindowsHoldForTheirWholeDayAndNamesTheOldestKept() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    CalendarWindows windows = CalendarWindows.at(Instant.parse("2026-03-29T12:00:00Z"), paris);

    assertThat(windows.dayStart()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
    assertThat(windows.contains(Instant.parse("2026-03-28T23:00:00Z"))).isTrue();
    assertThat(windows.contains(Instant.parse("2026-03-29T21:59:59.999Z"))).isTrue();
    assertThat(windows.contains(Instant.parse("2026-03-28T22:59:59.999Z"))).isFalse();
    assertThat(windows.contains(Instant.parse("2026-03-29T22:00:00Z"))).isFalse();
    assertThat(windows.oldestDayKept()).isEqualTo("d20260126");
    assertThat(windows.oldestMonthKept()).isEqualTo("m202502");
  }
}
