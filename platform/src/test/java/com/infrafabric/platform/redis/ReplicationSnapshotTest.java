package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ReplicationSnapshotTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final Duration IDLE = Duration.ofSeconds(20);
  private static final int RDB_EOF = 0xFF;
  private static final int RDB_CHECKSUM_BYTES = 8;

  @TempDir Path directory;

  private static Vertx vertx;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    store = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
    Await.eventually(store::ping);
    Await.result(store.send(Request.cmd(Command.SET).arg("{t}:canary").arg("snapshot-canary")));
    Await.result(
        store.send(
            Request.cmd(Command.CONFIG).arg("SET").arg("repl-diskless-sync-delay").arg("0")));
  }

  @AfterAll
  static void close() {
    store.close();
    vertx.close().await();
  }

  /** Streamed from memory the payload ends with a mark; saved to disk first it has a length. */
  @ParameterizedTest
  @ValueSource(strings = {"yes", "no"})
  void downloadsAWholeRdbWhetherTheServerStreamsItOrSavesItFirst(String diskless) throws Exception {
    Await.result(
        store.send(Request.cmd(Command.CONFIG).arg("SET").arg("repl-diskless-sync").arg(diskless)));
    Path snapshot = directory.resolve("dump-" + diskless + ".rdb");

    ReplicationSnapshot.download(REDIS.endpoint(), snapshot, IDLE);

    byte[] rdb = Files.readAllBytes(snapshot);
    assertThat(new String(rdb, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("REDIS");
    assertThat(rdb[rdb.length - RDB_CHECKSUM_BYTES - 1] & 0xFF).isEqualTo(RDB_EOF);
    assertThat(new String(rdb, StandardCharsets.ISO_8859_1)).contains("{t}:canary");
  }

  @Test
  void aUserWithoutTheReplicationCommandsIsRefusedByName() {
    Await.result(
        store.send(
            Request.cmd(Command.ACL)
                .arg("SETUSER")
                .arg("reader")
                .arg("on")
                .arg(">reader-password")
                .arg("~*")
                .arg("+@read")));
    RedisEndpoint reader =
        new RedisEndpoint(
            "127.0.0.1", REDIS.endpoint().port(), "reader", "reader-password", false, 0);

    assertThatThrownBy(
            () -> ReplicationSnapshot.download(reader, directory.resolve("refused.rdb"), IDLE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Redis refused SYNC: NOPERM");
    RedisEndpoint wrong = new RedisEndpoint("127.0.0.1", REDIS.endpoint().port(), "not-it");
    assertThatThrownBy(
            () -> ReplicationSnapshot.download(wrong, directory.resolve("wrong.rdb"), IDLE))
        .hasMessageContaining("refused AUTH")
        .hasMessageNotContaining("not-it");
  }
}
