package com.infrafabric.deploy.backup;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code infrafabric restore}: checks a backup's checksums, copies its snapshot key by key into a
 * running, empty Redis (over the network, like the backup), then checks that the target holds
 * exactly what the snapshot holds, type by type and prefix by prefix.
 *
 * <p>The target must be empty: restoring over live data would mix two histories of budgets and
 * ledgers. {@code --force} empties the target's database first. Keys whose expiry passed since the
 * backup are not restored (they would be gone on the original too); the summary says how many.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Restore a backup taken by 'infrafabric backup' into a running, empty Redis; verify the",
      "checksums first and the key counts after. Needs redis-server on PATH to read the snapshot."
    })
public final class RestoreCli implements Callable<Integer> {

  private final CliContext context;

  @Mixin private RedisUrlOption redis;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "backup directory")
  private Path directory;

  @Option(names = "--force", description = "empty the target's database first if it holds keys")
  private boolean force;

  RestoreCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    RedisEndpoint target = redis.endpoint(context);
    Checksums.verify(directory, BackupManifest.FILES);
    BackupManifest manifest = BackupManifest.read(directory);
    try (RedisSession to = RedisSession.open(target);
        SnapshotServer loaded =
            SnapshotServer.load(directory.resolve(BackupManifest.SNAPSHOT), target.database());
        RedisSession from = loaded.open()) {
      requireEmpty(to);
      long copied = KeyCopy.copy(from, to);
      KeyInventory expected = KeyInventory.of(from);
      KeyInventory restored = KeyInventory.of(to);
      if (!restored.equals(expected)) {
        throw new IllegalStateException(
            "the restored keys differ from the snapshot's: expected "
                + expected.toJson().encode()
                + ", found "
                + restored.toJson().encode());
      }
      context
          .out()
          .printf(
              "restored %d keys from the backup of %s taken at %s into %s; counts by type and"
                  + " prefix match the snapshot (%d of its %d keys expired since)%n",
              copied,
              manifest.source(),
              manifest.createdAt(),
              target,
              manifest.keys().total() - restored.total(),
              manifest.keys().total());
    }
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
