package com.infrafabric.hostapi.contract;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a module's bytes: the identity under which modules are stored, compiled and
 * cached, and what a contract binds its signature to.
 *
 * @param hex 64 lowercase hex digits
 */
public record ModuleDigest(String hex) {

  private static final String PREFIX = "sha256:";
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public ModuleDigest {
    Objects.requireNonNull(hex, "hex");
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "moduleDigest must be sha256: followed by 64 lowercase hex digits");
    }
  }

  /** The digest of {@code module}. */
  public static ModuleDigest of(byte[] module) {
    try {
      return new ModuleDigest(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  /** Parses the {@code sha256:<hex>} form used in contracts. */
  public static ModuleDigest parse(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "moduleDigest must be sha256: followed by 64 lowercase hex digits");
    }
    return new ModuleDigest(text.substring(PREFIX.length()));
  }

  /** The {@code sha256:<hex>} form. */
  @Override
  public String toString() {
    return PREFIX + hex;
  }
}
