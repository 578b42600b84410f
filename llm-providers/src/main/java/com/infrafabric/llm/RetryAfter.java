package com.infrafabric.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A provider's {@code Retry-After} header, read as RFC 9110 (section 10.2.3) defines it: a count of
 * seconds of any length, or an HTTP-date, in its preferred form ({@code Wed, 21 Oct 2099 07:28:00
 * GMT}) or either obsolete one a recipient must still accept (RFC 850's and asctime's). Every place
 * that reads a provider's {@code Retry-After} reads it here: a reader of six digits at most took a
 * date, or a count too long for it, for no header at all, so a 429 held nothing off and the client
 * was told to retry after a second. Stateless.
 */
final class RetryAfter {

  /** The most digits of a count of seconds a {@code long} always holds. */
  private static final int MAX_EXACT_DIGITS = 18;

  private RetryAfter() {}

  /**
   * How long {@code header} asks to wait from {@code now}, at most {@code cap} (a breaker's reset,
   * the longest a 429 holds calls off): a count of seconds past the cap, however long, is the cap;
   * a date is the time from {@code now} until it, none if it is past. Empty if there is no header
   * or it is neither form.
   */
  static Optional<Duration> parse(String header, Instant now, Duration cap) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    Optional<Duration> asked =
        value.matches("[0-9]+") ? Optional.of(seconds(value, cap)) : date(value, now);
    return asked.map(wait -> wait.compareTo(cap) > 0 ? cap : wait);
  }

  /** {@code digits} seconds, saturated at just past {@code cap} when too long to hold exactly. */
  private static Duration seconds(String digits, Duration cap) {
    String significant = digits.replaceFirst("^0+(?=.)", "");
    return significant.length() > MAX_EXACT_DIGITS
        ? cap.plusSeconds(1)
        : Duration.ofSeconds(Long.parseLong(significant));
  }

  /** The wait until the HTTP-date {@code value}, none if past; empty if it is not one. */
  private static Optional<Duration> date(String value, Instant now) {
    for (DateTimeFormatter form : forms(now)) {
      try {
        Instant until = ZonedDateTime.parse(value, form).toInstant();
        return Optional.of(until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO);
      } catch (DateTimeParseException notThisForm) {
        // The next form may read it.
      }
    }
    return Optional.empty();
  }

  /**
   * The HTTP-date forms: IMF-fixdate, RFC 850's (whose two-digit year is the one within 50 years of
   * {@code now}, as RFC 9110 reads it) and asctime's.
   */
  private static List<DateTimeFormatter> forms(Instant now) {
    int base = now.atZone(ZoneOffset.UTC).getYear() - 49;
    return List.of(
        DateTimeFormatter.RFC_1123_DATE_TIME,
        new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, base)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.ENGLISH)
            .withZone(ZoneOffset.UTC),
        new DateTimeFormatterBuilder()
            .appendPattern("EEE MMM ppd HH:mm:ss yyyy")
            .toFormatter(Locale.ENGLISH)
            .withZone(ZoneOffset.UTC));
  }
}
