package com.infrafabric.deploy.cli;

import com.infrafabric.platform.http.Excerpt;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads every {@link Instant} option ({@code --from}, {@code --to}, {@code --expires-at}) as the
 * services read one, ISO-8601 in UTC; one that is not is a usage error saying so, where picocli's
 * own conversion named the JDK's {@code DateTimeParseException}.
 */
public final class InstantValue implements ITypeConverter<Instant> {

  @Override
  public Instant convert(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          Excerpt.quoted(value) + " is not an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }
}
