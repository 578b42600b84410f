package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TenantZonesTest {

  private static final Instant NOON = Instant.parse("2026-12-05T12:00:00Z");

  @Test
  void aTenantKeepsItsWindowsWithinTheDayAndMovesOnAtMidnight() {
    TenantZones zones = new TenantZones(10);

    CalendarWindows first = zones.windowsAt("acme", NOON);
    CalendarWindows later = zones.windowsAt("acme", Instant.parse("2026-12-05T23:59:59Z"));
    CalendarWindows tomorrow = zones.windowsAt("acme", Instant.parse("2026-12-06T00:00:00Z"));

    assertThat(first.zone()).isEqualTo(TenantZones.DEFAULT_ZONE);
    assertThat(later).isSameAs(first);
    assertThat(tomorrow.dayId()).isEqualTo("d20261206");
  }

  @Test
  void aLearnedZoneReplacesTheWindowsAtOnce() {
    TenantZones zones = new TenantZones(10);
    zones.windowsAt("acme", Instant.parse("2026-12-05T23:30:00Z"));

    zones.learn("acme", ZoneId.of("Europe/Paris"), Instant.parse("2026-12-05T23:30:00Z"));

    CalendarWindows paris = zones.windowsAt("acme", Instant.parse("2026-12-05T23:30:00Z"));
    assertThat(paris.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.dayId()).isEqualTo("d20261206");
  }

  @Test
  void aClockThatWentBackGetsTheWindowsOfItsOwnDay() {
    TenantZones zones = new TenantZones(10);
    zones.windowsAt("acme", NOON);

    assertThat(zones.windowsAt("acme", Instant.parse("2026-12-04T23:00:00Z")).dayId())
        .isEqualTo("d20261204");
  }

  @Test
  void theLeastRecentlyUsedTenantIsForgottenBeyondTheCapacity() {
    TenantZones zones = new TenantZones(1);
    zones.learn("acme", ZoneId.of("Europe/Paris"), NOON);
    zones.windowsAt("other", NOON);

    assertThat(zones.windowsAt("acme", NOON).zone()).isEqualTo(TenantZones.DEFAULT_ZONE);
  }
}
