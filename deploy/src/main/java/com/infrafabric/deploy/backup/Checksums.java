package com.infrafabric.deploy.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code SHA256SUMS} file of a backup directory, in the format of {@code sha256sum}, so an
 * operator can check a copy with {@code sha256sum -c SHA256SUMS} without this tool.
 */
final class Checksums {

  static final String FILE = "SHA256SUMS";

  private Checksums() {}

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Writes the sums of {@code names} (files in {@code directory}). */
  static void write(Path directory, List<String> names) {
    StringBuilder sums = new StringBuilder();
    for (String name : names) {
      sums.append(sha256(directory.resolve(name))).append("  ").append(name).append('\n');
    }
    try {
      Files.writeString(directory.resolve(FILE), sums);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory.resolve(FILE), e);
    }
  }

  /**
   * Checks every file {@code SHA256SUMS} names, and that it names each of {@code required}.
   *
   * @throws IllegalStateException naming the first file that is missing, unlisted or differs
   */
  static void verify(Path directory, List<String> required) {
    List<String> lines;
    try {
      lines = Files.readAllLines(directory.resolve(FILE));
    } catch (IOException e) {
      throw new IllegalStateException(
          directory + " is not a backup: " + FILE + " is missing or unreadable", e);
    }
    List<String> listed = new ArrayList<>();
    for (String line : lines) {
      String[] sumAndName = line.split("  ", 2);
      if (sumAndName.length != 2 || sumAndName[1].contains("/")) {
        throw new IllegalStateException(FILE + " has a malformed line: " + line);
      }
      Path file = directory.resolve(sumAndName[1]);
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException("the backup lacks " + sumAndName[1]);
      }
      if (!sha256(file).equals(sumAndName[0])) {
        throw new IllegalStateException(
            sumAndName[1] + " does not match its SHA-256 in " + FILE + ": the backup is damaged");
      }
      listed.add(sumAndName[1]);
    }
    for (String name : required) {
      if (!listed.contains(name)) {
        throw new IllegalStateException(FILE + " has no sum for " + name);
      }
    }
  }
}
