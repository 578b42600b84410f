package com.infrafabric.deploy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a command reads because the caller named them: a module, a contract, a secret. One that
 * cannot be read is the caller's input error (exit status 2), found before anything is sent.
 */
public final class InputFiles {

  private InputFiles() {}

  /**
   * The file's bytes.
   *
   * @throws IllegalArgumentException naming {@code file} if it cannot be read
   */
  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " (" + e + ")", e);
    }
  }

  /** The file's UTF-8 text without the surrounding white space (a JWS and its newline). */
  public static String text(Path file) {
    return new String(bytes(file), StandardCharsets.UTF_8).strip();
  }
}
