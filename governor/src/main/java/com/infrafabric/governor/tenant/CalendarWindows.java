package com.infrafabric.governor.tenant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The day and month windows that contain an instant in a tenant's zone, named so that the name
 * alone selects the counters ({@code d20261123}, {@code m202611}); the lifetime window is {@code
 * life}.
 *
 * @param zone the tenant's zone
 * @param dayId id of the current day window
 * @param dayEnd first instant of the next day in {@code zone}
 * @param monthId id of the current month window
 * @param monthEnd first instant of the next month in {@code zone}
 */
public record CalendarWindows(
    ZoneId zone, String dayId, Instant dayEnd, String monthId, Instant monthEnd) {

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
  private static final DateTimeFormatter BASIC_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");

  /** The windows containing {@code now} in {@code zone} (DST-aware: a day may last 23 or 25 h). */
  public static CalendarWindows at(Instant now, ZoneId zone) {
    LocalDate date = ZonedDateTime.ofInstant(now, zone).toLocalDate();
    Instant dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant();
    Instant monthEnd = date.withDayOfMonth(1).plusMonths(1).atStartOfDay(zone).toInstant();
    return new CalendarWindows(zone, DAY.format(date), dayEnd, MONTH.format(date), monthEnd);
  }

  /** When the given window's current instance ends, or null for the lifetime window. */
  public Instant resetsAt(Window window) {
    return switch (window) {
      case LIFETIME -> null;
      case DAY -> dayEnd;
      case MONTH -> monthEnd;
    };
  }

  /** The id of the oldest day window whose counters are kept. */
  String oldestDayKept() {
    return DAY.format(day().minusDays(DAYS_KEPT));
  }

  /** The id of the oldest month window whose counters are kept. */
  String oldestMonthKept() {
    return MONTH.format(day().minusMonths(MONTHS_KEPT));
  }

  private LocalDate day() {
    return LocalDate.parse(dayId.substring(1), BASIC_DATE);
  }
}
