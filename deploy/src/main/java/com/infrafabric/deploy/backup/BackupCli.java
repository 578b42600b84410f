package com.infrafabric.deploy.backup;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.ReplicationSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code infrafabric backup}: a consistent snapshot of a running Redis, over the network, into a
 * new directory with a manifest and checksums. See {@link ReplicationSnapshot} for how the snapshot
 * is taken and {@link SnapshotServer} for how its keys are counted.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Take a consistent snapshot of a running Redis (as a replica's first sync does) into DIR:",
      "dump.rdb, manifest.json (time, Redis version, key counts by type and prefix, size) and",
      "SHA256SUMS. A new directory is created for its owner only. Needs redis-server on PATH to",
      "count the snapshot's keys."
    })
public final class BackupCli implements Callable<Integer> {

  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final CliContext context;

  @Mixin private RedisUrlOption redis;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "new or empty directory")
  private Path directory;

  BackupCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    RedisEndpoint source = redis.endpoint(context);
    prepare(directory);
    String version;
    try (RedisSession session = RedisSession.open(source)) {
      version = session.version();
    }
    Path snapshot = directory.resolve(BackupManifest.SNAPSHOT);
    ReplicationSnapshot.download(source, snapshot, IDLE_TIMEOUT);
    KeyInventory keys;
    try (SnapshotServer loaded = SnapshotServer.load(snapshot, source.database());
        RedisSession session = loaded.open()) {
      keys = KeyInventory.of(session);
    }
    BackupManifest manifest =
        new BackupManifest(
            context.clock().instant(),
            version,
            source.toString(),
            source.database(),
            size(snapshot),
            Checksums.sha256(snapshot),
            keys);
    manifest.write(directory);
    Checksums.write(directory, BackupManifest.FILES);
    context
        .out()
        .printf(
            "backed up %s (Redis %s): %d keys, %d bytes, SHA-256 %s, in %s%n",
            source,
            version,
            keys.total(),
            manifest.snapshotBytes(),
            manifest.snapshotSha256(),
            directory);
    return 0;
  }

  private static void prepare(Path directory) {
    try {
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      try (Stream<Path> present = Files.list(directory)) {
        if (present.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "--out " + directory + " is not empty: a backup goes into a new directory");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
