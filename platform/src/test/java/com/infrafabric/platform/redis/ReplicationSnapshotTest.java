package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    Await.eventually(store::roundTrip);
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

  /**
   * A peer that answers SYNC with a scripted reply, then hangs up (when it lies about the length)
   * or holds the line.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lying-length", "endless-line", "silent", "not-rdb", "bad-length"})
  void aMisbehavingPeerFailsTheDownloadWithAReason(String behaviour) throws Exception {
    String reply =
        switch (behaviour) {
          case "lying-length" -> "$100\r\nREDIS0011";
          case "endless-line" -> "x".repeat(70_000);
          case "silent" -> "";
          case "not-rdb" -> "$5\r\nHELLO";
          default -> "$12x\r\n";
        };
    String expected =
        switch (behaviour) {
          case "lying-length" -> "the snapshot stream ended after 9 of 100 bytes";
          case "endless-line" -> "the server sent a reply line over 65536 bytes";
          case "silent" -> "Read timed out";
          case "not-rdb" -> "what the server sent is not an RDB snapshot";
          default -> "the snapshot's length is not a number: 12x";
        };
    try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      boolean hangUp = behaviour.equals("lying-length");
      Thread answering = new Thread(() -> answer(peer, reply, hangUp), "fake-redis");
      answering.start();
      RedisEndpoint fake = new RedisEndpoint("127.0.0.1", peer.getLocalPort(), null);

      assertThatThrownBy(
              () ->
                  ReplicationSnapshot.download(
                      fake, directory.resolve(behaviour + ".rdb"), Duration.ofMillis(500)))
          .hasMessageContaining(expected);
      peer.close();
      answering.join(5_000);
    }
  }

  /** Accepts REPLCONF, waits for SYNC, then sends {@code reply}. */
  private static void answer(ServerSocket peer, String reply, boolean hangUp) {
    try (Socket client = peer.accept()) {
      client.setSoTimeout(5_000);
      client.getOutputStream().write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
      StringBuilder received = new StringBuilder();
      while (!received.toString().endsWith("SYNC\r\n")) {
        int next = client.getInputStream().read();
        if (next < 0) {
          return;
        }
        received.append((char) next);
      }
      client.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      if (hangUp) {
        return;
      }
      while (client.getInputStream().read() >= 0) {
        // holds the connection until the downloader gives up and closes it
      }
    } catch (IOException closed) {
      // the downloader closed first: what this peer is for
    }
  }
}
