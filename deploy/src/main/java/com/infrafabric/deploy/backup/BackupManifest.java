package com.infrafabric.deploy.backup;

import com.infrafabric.platform.redis.RedisEndpoint;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What a backup directory holds, written next to its snapshot as {@code manifest.json}.
 *
 * @param createdAt when the snapshot was taken
 * @param redisVersion the version of the Redis it was taken from (a restore needs a Redis at least
 *     as new to load it)
 * @param source where it was taken from, never with the password
 * @param database the database backed up: the snapshot holds every database of the server, and a
 *     restore copies this one, whichever database it writes into
 * @param snapshotBytes the size of {@value #SNAPSHOT}
 * @param snapshotSha256 the SHA-256 of {@value #SNAPSHOT}, in hex
 * @param keys what the snapshot holds in the backed-up database
 */
record BackupManifest(
    Instant createdAt,
    String redisVersion,
    String source,
    int database,
    long snapshotBytes,
    String snapshotSha256,
    KeyInventory keys) {

  static final String SNAPSHOT = "dump.rdb";
  static final String FILE = "manifest.json";

  /** The files of a backup directory that {@code SHA256SUMS} covers. */
  static final List<String> FILES = List.of(SNAPSHOT, FILE);

  void write(Path directory) {
    JsonObject json =
        new JsonObject()
            .put("format", 1)
            .put("created_at", createdAt.toString())
            .put("redis_version", redisVersion)
            .put("source", source)
            .put("database", database)
            .put(
                "snapshot",
                new JsonObject()
                    .put("file", SNAPSHOT)
                    .put("bytes", snapshotBytes)
                    .put("sha256", snapshotSha256))
            .put("keys", keys.toJson());
    try {
      Files.writeString(directory.resolve(FILE), json.encodePrettily() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory.resolve(FILE), e);
    }
  }

  /**
   * @throws IllegalStateException if the file is missing or is not a manifest this version reads
   */
  static BackupManifest read(Path directory) {
    Path file = directory.resolve(FILE);
    try {
      JsonObject json = new JsonObject(Files.readString(file));
      if (!Integer.valueOf(1).equals(json.getInteger("format"))) {
        throw new IllegalStateException(file + " has an unknown format " + json.getValue("format"));
      }
      JsonObject snapshot = json.getJsonObject("snapshot");
      return new BackupManifest(
          Instant.parse(json.getString("created_at")),
          json.getString("redis_version"),
          json.getString("source"),
          database(json),
          snapshot.getLong("bytes"),
          snapshot.getString("sha256"),
          KeyInventory.fromJson(json.getJsonObject("keys")));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (DecodeException
        | ClassCastException
        | NullPointerException
        | IllegalArgumentException e) {
      throw new IllegalStateException(file + " is not a backup manifest: " + e.getMessage(), e);
    }
  }

  /**
   * Manifests written before {@code database} was recorded name it only in their source URL, which
   * {@link RedisEndpoint#toString()} wrote in a form {@link RedisEndpoint#parse} reads back.
   */
  private static int database(JsonObject json) {
    Integer database = json.getInteger("database");
    return database != null ? database : RedisEndpoint.parse(json.getString("source")).database();
  }
}
