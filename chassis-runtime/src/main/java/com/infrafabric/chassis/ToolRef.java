package com.infrafabric.chassis;

import java.util.Comparator;
import java.util.Objects;

/**
 * Names one registered tool version, written {@code name@version}.
 *
 * @param name the contract's tool name
 * @param version the contract's version
 */
public record ToolRef(String name, String version) {

  /** The order of every listing: by name, then by version, both as plain strings. */
  public static final Comparator<ToolRef> ORDER =
      Comparator.comparing(ToolRef::name).thenComparing(ToolRef::version);

  public ToolRef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
  }

  /**
   * Parses {@code name@version}.
   *
   * @throws IllegalArgumentException if there is no single {@code @} between two non-empty parts
   */
  public static ToolRef parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0 || at == text.length() - 1 || text.indexOf('@', at + 1) >= 0) {
      throw new IllegalArgumentException("tool reference \"" + text + "\" is not name@version");
    }
    return new ToolRef(text.substring(0, at), text.substring(at + 1));
  }

  @Override
  public String toString() {
    return name + '@' + version;
  }
}
