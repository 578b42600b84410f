package com.infrafabric.deploy.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.deploy.CliRun;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} and {@code restore} between different database numbers: the backup counts the
 * database its URL names, the restore writes into the database its URL names, and a restore is
 * reported as a success only when the keys landed there (regression: a restore into {@code /3} of a
 * backup of {@code /0} wrote nothing, exited 0 and called every key expired).
 */
@Timeout(120)
class CrossDatabaseRestoreTest {

  @RegisterExtension static final RedisServerExtension SOURCE = RedisServerExtension.create();
  @RegisterExtension static final RedisServerExtension TARGET = RedisServerExtension.create();

  @TempDir Path directory;

  private CliRun cli;

  @BeforeEach
  void cli() {
    cli = new CliRun(directory.resolve("home"));
  }

  @Test
  void aBackupOfDatabaseZeroRestoresIntoDatabaseThree() {
    seed(SOURCE, 0, "zero-to-three");
    Path backup = directory.resolve("backup");

    assertThat(run("backup", "--out", backup.toString(), "--redis-url", url(SOURCE, 0)))
        .as(err())
        .isZero();
    assertThat(run("restore", "--from", backup.toString(), "--redis-url", url(TARGET, 3)))
        .as(err())
        .isZero();

    assertThat(out()).startsWith("restored 3 keys of database 0").contains("(0 of its 3 keys");
    assertThat(keyCount(TARGET, 3)).isEqualTo(3);
    assertThat(value(TARGET, 3, "zero-to-three:1")).isEqualTo("value-1");
  }

  @Test
  void aBackupOfDatabaseThreeCountsThatDatabaseAndRestoresIntoDatabaseZero() throws IOException {
    seed(SOURCE, 3, "three-to-zero");
    Path backup = directory.resolve("backup");

    assertThat(run("backup", "--out", backup.toString(), "--redis-url", url(SOURCE, 3)))
        .as(err())
        .isZero();
    JsonObject manifest = new JsonObject(Files.readString(backup.resolve(BackupManifest.FILE)));
    assertThat(manifest.getInteger("database")).isEqualTo(3);
    assertThat(manifest.getJsonObject("keys").getMap()).containsEntry("total", 3);
    assertThat(run("restore", "--from", backup.toString(), "--redis-url", url(TARGET, 0)))
        .as(err())
        .isZero();

    assertThat(keyCount(TARGET, 0)).isEqualTo(3);
    assertThat(value(TARGET, 0, "three-to-zero:2")).isEqualTo("value-2");
  }

  @Test
  void aKeyWhoseExpiryPassedSinceTheBackupIsCountedAsExpired() {
    seed(SOURCE, 1, "expiring");
    send(SOURCE, 1, Request.cmd(Command.SET).arg("expiring:soon").arg("x").arg("PX").arg(1500));
    Path backup = directory.resolve("backup");
    assertThat(run("backup", "--out", backup.toString(), "--redis-url", url(SOURCE, 1)))
        .as(err())
        .isZero();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> value(SOURCE, 1, "expiring:soon") == null);

    assertThat(run("restore", "--from", backup.toString(), "--redis-url", url(TARGET, 2)))
        .as(err())
        .isZero();
    assertThat(out()).contains("(1 of its 4 keys expired since)");
    assertThat(keyCount(TARGET, 2)).isEqualTo(3);
  }

  /**
   * A manifest pointing at a database the snapshot does not hold reads as an empty snapshot, which
   * the target matches; only the manifest's own counts show that keys without an expiry are gone.
   */
  @Test
  void aRestoreWhoseKeysDidNotLandIsAFailure() throws IOException {
    seed(SOURCE, 4, "lost");
    Path backup = directory.resolve("backup");
    assertThat(run("backup", "--out", backup.toString(), "--redis-url", url(SOURCE, 4)))
        .as(err())
        .isZero();
    Path manifest = backup.resolve(BackupManifest.FILE);
    Files.writeString(
        manifest, new JsonObject(Files.readString(manifest)).put("database", 9).encodePrettily());
    Checksums.write(backup, BackupManifest.FILES);

    assertThat(run("restore", "--from", backup.toString(), "--redis-url", url(TARGET, 5)))
        .isEqualTo(2);
    assertThat(err()).contains("holds 0 of the backup's 3 keys, but only 0 of them had an expiry");
  }

  private static void seed(RedisServerExtension redis, int database, String prefix) {
    for (int i = 1; i <= 3; i++) {
      send(redis, database, Request.cmd(Command.SET).arg(prefix + ":" + i).arg("value-" + i));
    }
  }

  private static long keyCount(RedisServerExtension redis, int database) {
    try (RedisSession session = RedisSession.open(endpoint(redis, database))) {
      return session.keyCount();
    }
  }

  private static String value(RedisServerExtension redis, int database, String key) {
    Response answer = send(redis, database, Request.cmd(Command.GET).arg(key));
    return answer == null ? null : answer.toString();
  }

  private static Response send(RedisServerExtension redis, int database, Request request) {
    try (RedisSession session = RedisSession.open(endpoint(redis, database))) {
      return session.send(request);
    }
  }

  private static RedisEndpoint endpoint(RedisServerExtension redis, int database) {
    RedisEndpoint server = redis.endpoint();
    return new RedisEndpoint(
        server.host(), server.port(), server.user(), server.password(), false, database);
  }

  private static String url(RedisServerExtension redis, int database) {
    RedisEndpoint server = redis.endpoint();
    return "redis://:"
        + URLEncoder.encode(server.password(), StandardCharsets.UTF_8)
        + "@"
        + server.host()
        + ":"
        + server.port()
        + "/"
        + database;
  }

  private int run(String... args) {
    return cli.run(args);
  }

  private String out() {
    return cli.stdout();
  }

  private String err() {
    return cli.stderr();
  }
}
