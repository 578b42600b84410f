package com.infrafabric.deploy.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A new directory, for its owner only, written under a temporary name beside its final one and
 * renamed into place by {@link #commit()}: a directory with the final name always holds a whole
 * backup, and one that fails leaves nothing behind. Closing without committing deletes the staging
 * directory and the parent directories {@link #create} made, not those it found. A process killed
 * outright leaves its staging directory behind; its name, {@code .NAME.partial-PID-RANDOM}, says
 * which process made it, so the next staging of the same target deletes it once no process with
 * that id runs, and never a directory of a run still going, nor anything not named so.
 */
final class StagedDirectory implements AutoCloseable {

  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private final Path target;
  private final Path staging;
  private final List<Path> createdParents;
  private boolean committed;

  private StagedDirectory(Path target, Path staging, List<Path> createdParents) {
    this.target = target;
    this.staging = staging;
    this.createdParents = createdParents;
  }

  /**
   * Stages {@code target}, which must not exist or be an empty directory.
   *
   * @throws IllegalArgumentException if {@code target} holds anything
   */
  static StagedDirectory create(Path target) {
    Path absolute = target.toAbsolutePath().normalize();
    requireNewOrEmpty(target, absolute);
    List<Path> created = missingAncestors(absolute.getParent());
    try {
      Files.createDirectories(absolute.getParent(), OWNER_ONLY);
      deleteAbandoned(absolute);
      Path staging =
          Files.createTempDirectory(
              absolute.getParent(),
              prefix(absolute) + ProcessHandle.current().pid() + "-",
              OWNER_ONLY);
      return new StagedDirectory(absolute, staging, created);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + target, e);
    }
  }

  /** Where to write until {@link #commit()}. */
  Path path() {
    return staging;
  }

  /**
   * Renames the staging directory to the target in one step (replacing it if it is still empty).
   *
   * @throws IllegalStateException if something was written into the target meanwhile
   */
  void commit() {
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
    } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
      throw new IllegalStateException(
          target + " was written to during the backup: the backup is not kept", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename " + staging + " to " + target, e);
    }
  }

  @Override
  public void close() {
    if (committed) {
      return;
    }
    DirectoryTree.delete(staging);
    for (Path parent : createdParents) {
      try {
        Files.delete(parent);
      } catch (DirectoryNotEmptyException e) {
        // Someone else has written there since: it is theirs now, and so are its parents.
        return;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + parent, e);
      }
    }
  }

  private static void requireNewOrEmpty(Path target, Path absolute) {
    if (!Files.exists(absolute)) {
      return;
    }
    if (!Files.isDirectory(absolute)) {
      throw new IllegalArgumentException("--out " + target + " is a file, not a directory");
    }
    try (Stream<Path> present = Files.list(absolute)) {
      if (present.findAny().isPresent()) {
        throw new IllegalArgumentException(
            "--out " + target + " is not empty: a backup goes into a new directory");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + target, e);
    }
  }

  private static String prefix(Path target) {
    return "." + target.getFileName() + ".partial-";
  }

  /**
   * Deletes the staging directories of {@code target} whose process no longer runs: only real
   * directories (not links) named exactly as {@link #create} names them for this target. A process
   * id is known only on this host: a run of the same target elsewhere, on shared storage, at the
   * same time, would look abandoned.
   */
  private static void deleteAbandoned(Path target) throws IOException {
    Pattern staging = Pattern.compile(Pattern.quote(prefix(target)) + "(\\d{1,18})-\\d+");
    try (Stream<Path> siblings = Files.list(target.getParent())) {
      siblings
          .filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
          .map(path -> staging.matcher(path.getFileName().toString()))
          .filter(Matcher::matches)
          .filter(name -> !running(Long.parseLong(name.group(1))))
          .forEach(name -> DirectoryTree.delete(target.resolveSibling(name.group())));
    }
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The ancestors of {@code directory}, itself included, that do not exist yet; deepest first. */
  private static List<Path> missingAncestors(Path directory) {
    List<Path> missing = new ArrayList<>();
    for (Path path = directory; path != null && !Files.exists(path); path = path.getParent()) {
      missing.add(path);
    }
    return missing;
  }
}
