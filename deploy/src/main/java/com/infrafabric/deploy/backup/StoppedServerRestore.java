package com.infrafabric.deploy.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a backup's snapshot into the data directory of a stopped Redis, for when no network path
 * leads to a running one. Redis 7 with {@code appendonly yes} and no append-only files starts empty
 * and ignores {@code dump.rdb}, so what is there already (an old {@code dump.rdb}, an {@code
 * appendonlydir}) is refused, or with {@code --force} moved aside (renamed, never deleted), and the
 * operator starts the server once with {@code appendonly no}.
 */
final class StoppedServerRestore {

  private static final String AOF_DIRECTORY = "appendonlydir";

  private StoppedServerRestore() {}

  /**
   * Copies {@code backup}'s snapshot to {@code dataDirectory/dump.rdb} (mode 0600).
   *
   * @return what was moved aside, empty if nothing was there
   * @throws IllegalStateException if Redis data is there and {@code force} is false
   */
  static List<Path> restore(Path backup, Path dataDirectory, boolean force, Instant now) {
    List<Path> present = new ArrayList<>();
    for (String name : List.of(BackupManifest.SNAPSHOT, AOF_DIRECTORY)) {
      if (Files.exists(dataDirectory.resolve(name))) {
        present.add(dataDirectory.resolve(name));
      }
    }
    if (!present.isEmpty() && !force) {
      throw new IllegalStateException(
          dataDirectory
              + " holds Redis data ("
              + present.stream().map(p -> p.getFileName().toString()).toList()
              + "): restore only into an empty data directory, or give --force to move it aside");
    }
    try {
      List<Path> movedAside = new ArrayList<>();
      for (Path path : present) {
        Path aside =
            path.resolveSibling(path.getFileName() + ".before-restore-" + now.toEpochMilli());
        movedAside.add(Files.move(path, aside));
      }
      Path target = dataDirectory.resolve(BackupManifest.SNAPSHOT);
      Files.copy(
          backup.resolve(BackupManifest.SNAPSHOT), target, StandardCopyOption.COPY_ATTRIBUTES);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
      return movedAside;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore into " + dataDirectory, e);
    }
  }
}
