package com.infrafabric.deploy.backup;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private {@code redis-server} on a loopback port that has loaded a copy of one RDB snapshot: how
 * a backup counts what it holds, and what a restore copies from, key by key, into the target. The
 * snapshot is read by Redis itself, which checks its checksum on load, so nothing here parses the
 * RDB format. Stopping it deletes its copy; the backup's own file is never touched.
 */
final class SnapshotServer implements AutoCloseable {

  private static final long UNLIMITED_BYTES = 1L << 40;

  private final Path directory;
  private final ManagedRedisServer server;
  private final int database;

  private SnapshotServer(Path directory, ManagedRedisServer server, int database) {
    this.directory = directory;
    this.server = server;
    this.database = database;
  }

  /**
   * Starts a server that has loaded {@code snapshot}; sessions to it select {@code database}.
   *
   * @throws IllegalStateException if {@code redis-server} is missing or cannot load the snapshot
   *     (corrupt, or written by a newer Redis)
   */
  static SnapshotServer load(Path snapshot, int database) {
    try {
      Path directory = Files.createTempDirectory("infrafabric-snapshot");
      Files.copy(snapshot, directory.resolve("dump.rdb"));
      // No memory limit worth the name: the snapshot fitted the server it came from, and this
      // one only reads it.
      ManagedRedisServer server =
          ManagedRedisServer.builder(directory)
              .appendOnly(false)
              .maxMemoryBytes(UNLIMITED_BYTES)
              .build();
      try {
        server.start();
      } catch (IllegalStateException e) {
        DirectoryTree.delete(directory);
        throw new IllegalStateException(
            "redis-server could not load the snapshot " + snapshot + ": " + e.getMessage(), e);
      }
      return new SnapshotServer(directory, server, database);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a copy of " + snapshot, e);
    }
  }

  RedisSession open() {
    RedisEndpoint loopback = server.endpoint();
    return RedisSession.open(
        new RedisEndpoint(
            loopback.host(), loopback.port(), null, loopback.password(), false, database));
  }

  @Override
  public void close() {
    server.stop();
    DirectoryTree.delete(directory);
  }
}
