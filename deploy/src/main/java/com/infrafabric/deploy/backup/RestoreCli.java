package com.infrafabric.deploy.backup;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code infrafabric restore}: checks a backup's checksums, copies its snapshot key by key into a
 * running, empty Redis (over the network, like the backup), then checks that the target holds
 * exactly what the snapshot holds, type by type and prefix by prefix. The keys copied are those of
 * the database the backup was taken from; they go into the database the target URL names.
 *
 * <p>The target must be empty: restoring over live data would mix two histories of budgets and
 * ledgers. {@code --force} empties the target's database first. Keys whose expiry passed since the
 * backup are not restored (they would be gone on the original too); the summary says how many, and
 * more keys missing than the backup counted with an expiry is a failed restore. {@code --to-dir}
 * writes the snapshot into a stopped server's data directory instead (see {@link
 * StoppedServerRestore}).
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Restore a backup taken by 'infrafabric backup' into an empty Redis.",
      "Into a running Redis, verifying the checksums first and the key counts after; needs"
          + " redis-server on PATH to read the snapshot. With --to-dir, write the snapshot into"
          + " the data directory of a stopped Redis instead."
    })
public final class RestoreCli implements Callable<Integer> {

  private final CliContext context;

  @Mixin private RedisUrlOption redis;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "backup directory")
  private Path directory;

  @Option(
      names = "--to-dir",
      paramLabel = "DIR",
      description = "the data directory of a stopped Redis instead of a running one")
  private Path dataDirectory;

  @Option(
      names = "--force",
      description =
          "empty the target's database first if it holds keys (with --to-dir: move its data aside)")
  private boolean force;

  RestoreCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Checksums.verify(directory, BackupManifest.FILES);
    BackupManifest manifest = BackupManifest.read(directory);
    if (dataDirectory != null) {
      return restoreStopped(manifest);
    }
    RedisEndpoint target = redis.endpoint(context);
    try (RedisSession to = RedisSession.open(target);
        SnapshotServer loaded =
            SnapshotServer.load(directory.resolve(BackupManifest.SNAPSHOT), manifest.database());
        RedisSession from = loaded.open()) {
      requireEmpty(to);
      long copied = KeyCopy.copy(from, to);
      long expired = verify(manifest, KeyInventory.of(from), KeyInventory.of(to));
      context
          .out()
          .printf(
              "restored %d keys of database %d from the backup of %s taken at %s into %s; counts"
                  + " by type and prefix match the snapshot (%d of its %d keys expired since)%n",
              copied,
              manifest.database(),
              manifest.source(),
              manifest.createdAt(),
              target,
              expired,
              manifest.keys().total());
    }
    return 0;
  }

  /**
   * Checks that the target holds what the snapshot holds now, and that every key the manifest
   * counted and the target lacks can have expired since; returns how many expired.
   */
  private static long verify(
      BackupManifest manifest, KeyInventory expected, KeyInventory restored) {
    if (!restored.equals(expected)) {
      throw new IllegalStateException(
          "the restored keys differ from the snapshot's: expected "
              + expected.toJson().encode()
              + ", found "
              + restored.toJson().encode());
    }
    long missing = manifest.keys().total() - restored.total();
    if (missing > manifest.keys().withExpiry()) {
      throw new IllegalStateException(
          "the target holds "
              + restored.total()
              + " of the backup's "
              + manifest.keys().total()
              + " keys, but only "
              + manifest.keys().withExpiry()
              + " of them had an expiry: the others did not expire, they were not restored");
    }
    return missing;
  }

  private int restoreStopped(BackupManifest manifest) {
    List<Path> movedAside =
        StoppedServerRestore.restore(directory, dataDirectory, force, context.clock().instant());
    movedAside.forEach(path -> context.out().println("moved aside " + path));
    context
        .out()
        .printf(
            "wrote %s (%d keys at %s). Start Redis on it once with appendonly no (with appendonly"
                + " yes and no append-only files it starts empty), check that DBSIZE is %d less"
                + " any keys expired since, then CONFIG SET appendonly yes and keep appendonly yes"
                + " in its configuration.%n",
            dataDirectory.resolve(BackupManifest.SNAPSHOT),
            manifest.keys().total(),
            manifest.createdAt(),
            manifest.keys().total());
    return 0;
  }

  private void requireEmpty(RedisSession to) {
    long present = to.keyCount();
    if (present == 0) {
      return;
    }
    if (!force) {
      throw new IllegalStateException(
          "the target "
              + to.endpoint()
              + " holds "
              + present
              + " keys: restore only into an empty Redis, or give --force to delete them first");
    }
    to.emptyDatabase();
  }
}
