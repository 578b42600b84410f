package com.infrafabric.deploy.client;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a {@code --since} duration: ISO-8601 ({@code PT1H}, {@code P7D}), positive and reaching no
 * further back than 1970. A negative or zero one would ask from now or from the future, an empty
 * answer that looks like no activity.
 */
final class LookBack implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    Duration duration;
    try {
      duration = Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + value + "' is not an ISO-8601 duration such as PT1H or P7D");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new TypeConversionException("'" + value + "' must be a positive duration");
    }
    // The services count time from 1970; a look-back past it has no entries to find.
    if (duration.compareTo(Duration.between(Instant.EPOCH, Instant.now())) > 0) {
      throw new TypeConversionException("'" + value + "' reaches back before 1970");
    }
    return duration;
  }
}
