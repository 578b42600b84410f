package com.infrafabric.governor.tenant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The day and month windows that contain an instant in a tenant's zone, named so that the name
 * alone selects the counters ({@code d20261123}, {@code m202611}); the lifetime window is {@code
 * life}. Everything is worked out once, in {@link #at}: the windows change once a day, so a caller
 * keeps them while {@link #contains} holds rather than redoing the zone rules and the formatting on
 * every script call.
 *
 * @param zone the tenant's zone
 * @param dayId id of the current day window
 * @param dayStart first instant of the current day in {@code zone}
 * @param dayEnd first instant of the next day in {@code zone}
 * @param monthId id of the current month window
 * @param monthEnd first instant of the next month in {@code zone}
 * @param oldestDayKept id of the oldest day window whose counters are kept
 * @param oldestMonthKept id of the oldest month window whose counters are kept
 */
public record CalendarWindows(
    ZoneId zone,
    String dayId,
    Instant dayStart,
    Instant dayEnd,
    String monthId,
    Instant monthEnd,
    String oldestDayKept,
    String oldestMonthKept) {

  public static final String LIFETIME_ID = "life";

  /**
   * How many past day and month windows keep their counters (the ledger keeps everything; this
   * bounds how much Redis memory old counters hold). Older ones are dropped when a scope opens a
   * new window.
   */
  public static final int DAYS_KEPT = 62;

  public static final int MONTHS_KEPT = 13;

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("'d'yyyyMMdd");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("'m'yyyyMM");

  /** The windows containing {@code now} in {@code zone} (DST-aware: a day may last 23 or 25 h). */
  public static CalendarWindows at(Instant now, ZoneId zone) {
    LocalDate date = ZonedDateTime.ofInstant(now, zone).toLocalDate();
    Instant dayStart = date.atStartOfDay(zone).toInstant();
    Instant dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant();
    Instant monthEnd = date.withDayOfMonth(1).plusMonths(1).atStartOfDay(zone).toInstant();
    return new CalendarWindows(
        zone,
        DAY.format(date),
        dayStart,
        dayEnd,
        MONTH.format(date),
        monthEnd,
        DAY.format(date.minusDays(DAYS_KEPT)),
        MONTH.format(date.minusMonths(MONTHS_KEPT)));
  }

  /**
   * True if {@code now} lies in this day (and so in this month): the windows {@link #at} would
   * return for it in this zone are these.
   */
  public boolean contains(Instant now) {
    return !now.isBefore(dayStart) && now.isBefore(dayEnd);
  }

  /** When the given window's current instance ends, or null for the lifetime window. */
  public Instant resetsAt(Window window) {
    return switch (window) {
      case LIFETIME -> null;
      case DAY -> dayEnd;
      case MONTH -> monthEnd;
    };
  }
}
