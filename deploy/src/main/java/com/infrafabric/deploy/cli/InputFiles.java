package com.infrafabric.deploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The files a command reads because the caller named them: a module, a contract, a secret, a token.
 * Each is read up to its {@link InputCap} and no further, so a device or a pipe that never ends
 * ({@code /dev/zero}) is refused like a file too large. One that cannot be read or is too large is
 * the caller's input error (exit status 2), found before anything is sent.
 */
public final class InputFiles {

  private InputFiles() {}

  /**
   * The file's bytes.
   *
   * @param source the option or key that named the file: {@code --module}, {@code token.file}
   * @throws IllegalArgumentException naming {@code source} and {@code file} if it cannot be read or
   *     holds more than {@code cap} bytes
   */
  public static byte[] bytes(String source, Path file, InputCap cap) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(Math.toIntExact(cap.bytes() + 1));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + source + " " + file + ": " + why(e), e);
    }
    if (bytes.length > cap.bytes()) {
      throw new IllegalArgumentException(
          source
              + " "
              + file
              + " holds more than "
              + cap.bytes()
              + " bytes, the most "
              + cap.what()
              + " may be");
    }
    return bytes;
  }

  /** What went wrong, in the words of the system rather than the name of a JDK exception. */
  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException system && system.getReason() != null) {
      return system.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  /** The file's UTF-8 text without the surrounding white space (a JWS and its newline). */
  public static String text(String source, Path file, InputCap cap) {
    return new String(bytes(source, file, cap), StandardCharsets.UTF_8).strip();
  }
}
