package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.Window;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResetTimesTest {

  private final ResetTimes resets = new ResetTimes();

  @Test
  void answersEachInstantsOwnTextWhenTheWindowMovesOnOrAnotherZoneAsks() {
    Instant today = Instant.parse("2026-12-06T00:00:00Z");
    Instant tomorrow = Instant.parse("2026-12-07T00:00:00Z");
    Instant otherZone = Instant.parse("2026-12-05T23:00:00Z");

    assertThat(resets.text(Window.DAY, today)).isEqualTo("2026-12-06T00:00:00Z");
    assertThat(resets.text(Window.DAY, tomorrow)).isEqualTo("2026-12-07T00:00:00Z");
    assertThat(resets.text(Window.DAY, otherZone)).isEqualTo("2026-12-05T23:00:00Z");
    assertThat(resets.text(Window.DAY, today)).isEqualTo("2026-12-06T00:00:00Z");
  }

  @Test
  void keepsOneTextPerWindowAndFormatsItOnce() {
    Instant dayEnd = Instant.parse("2026-12-06T00:00:00Z");
    Instant monthEnd = Instant.parse("2027-01-01T00:00:00Z");

    String day = resets.text(Window.DAY, dayEnd);
    String month = resets.text(Window.MONTH, monthEnd);

    assertThat(month).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(resets.text(Window.DAY, Instant.parse("2026-12-06T00:00:00Z"))).isSameAs(day);
    assertThat(resets.text(Window.MONTH, monthEnd)).isSameAs(month);
  }

  @Test
  void theLifetimeWindowNeverResets() {
    assertThat(resets.text(Window.LIFETIME, null)).isNull();
  }
}
