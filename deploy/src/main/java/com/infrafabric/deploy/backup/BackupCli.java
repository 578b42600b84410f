package com.infrafabric.deploy.backup;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.ReplicationSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
      "Take a consistent snapshot of a running Redis into a new or empty directory.",
      "As a replica's first sync does; DIR then holds dump.rdb, manifest.json (time, Redis"
          + " version, key counts by type and prefix, size) and SHA256SUMS. A new directory is"
          + " created for its owner only. Needs redis-server on PATH to count the snapshot's keys."
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
    try (StagedDirectory staged = StagedDirectory.create(directory)) {
      BackupManifest manifest = write(source, staged.path());
      staged.commit();
      context
          .out()
          .printf(
              "backed up %s (Redis %s): %d keys, %d bytes, SHA-256 %s, in %s%n",
              source,
              manifest.redisVersion(),
              manifest.keys().total(),
              manifest.snapshotBytes(),
              manifest.snapshotSha256(),
              directory);
    }
    return 0;
  }

  /** Writes the snapshot, its manifest and their checksums into {@code into}. */
  private BackupManifest write(RedisEndpoint source, Path into) {
    String version;
    try (RedisSession session = RedisSession.open(source)) {
      version = session.version();
    }
    Path snapshot = into.resolve(BackupManifest.SNAPSHOT);
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
    manifest.write(into);
    Checksums.write(into, BackupManifest.FILES);
    return manifest;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
