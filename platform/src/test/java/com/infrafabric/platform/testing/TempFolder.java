package com.infrafabric.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary folders that a JUnit extension owns for a whole test class. JUnit's {@code @TempDir}
 * serves test classes, not extensions, so the extensions create and delete their own.
 */
public final class TempFolder {

  private TempFolder() {}

  /**
   * A new empty folder under the system's temporary folder, its name starting with {@code prefix}.
   */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder " + prefix, e);
    }
  }

  /** Deletes {@code root} and everything under it, if it exists. */
  public static void delete(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(TempFolder::deleteOne);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up " + root, e);
    }
  }

  private static void deleteOne(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
