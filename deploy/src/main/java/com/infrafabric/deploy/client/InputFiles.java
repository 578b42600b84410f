package com.infrafabric.deploy.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files client commands send: a module's bytes, a signed contract's text. */
final class InputFiles {

  private InputFiles() {}

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The file's UTF-8 text without the surrounding white space (a JWS and its newline). */
  static String text(Path file) {
    return new String(bytes(file), StandardCharsets.UTF_8).strip();
  }
}
