package com.infrafabric.deploy.cli;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * A private JWK set the caller names with {@code --private}: read as an {@link InputCap#KEY} and
 * made into a signer by {@code parse}, whose refusal is reported naming the file (an operator with
 * several key files must learn which one is wrong) and never quoting key material.
 */
public final class PrivateKeyFile {

  private PrivateKeyFile() {}

  /**
   * {@code parse} applied to the key set in {@code file}.
   *
   * @throws IllegalArgumentException naming {@code file} if it cannot be read, is too large or
   *     holds no usable key
   */
  public static <T> T read(Path file, Function<String, T> parse) {
    String jwks = InputFiles.text("--private", file, InputCap.KEY);
    try {
      return parse.apply(jwks);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--private " + file + ": " + e.getMessage(), e);
    }
  }
}
