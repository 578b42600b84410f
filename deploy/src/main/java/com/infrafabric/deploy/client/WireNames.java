package com.infrafabric.deploy.client;

import com.infrafabric.platform.http.Excerpt;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a value the caller typed against an enumeration the service reads it as, by the service's
 * own type and wire names ({@code AgentStatus::wireName}), so the CLI refuses what the service
 * would, with the same choices, and never keeps a list of its own.
 */
final class WireNames {

  private WireNames() {}

  /**
   * The constant of {@code values} whose wire name is {@code value}.
   *
   * @param what the option or argument as the user knows it: {@code --outcome}, {@code STATUS}
   * @throws IllegalArgumentException naming {@code what}, the value and the choices, if none is
   */
  static <E> E of(String what, String value, E[] values, Function<E, String> wireName) {
    return Arrays.stream(values)
        .filter(constant -> wireName.apply(constant).equals(value))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    what
                        + " "
                        + Excerpt.quoted(value)
                        + " must be one of "
                        + Arrays.stream(values).map(wireName).collect(Collectors.joining(", "))));
  }
}
