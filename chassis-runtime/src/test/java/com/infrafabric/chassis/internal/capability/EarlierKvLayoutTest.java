package com.infrafabric.chassis.internal.capability;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tools' data written before namespaces shared their tenant's hash tag survives the upgrade: it is
 * readable where the tool now looks, counted in its tenant's share, and moved exactly once.
 */
@Timeout(60)
class EarlierKvLayoutTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static Vertx vertx;
  private static RedisStore redis;
  private static KvStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
    store = new KvStore(redis, 1 << 20, 1 << 20, 25);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().await();
  }

  @BeforeEach
  void empty() {
    Await.result(redis.send(Request.cmd(Command.FLUSHALL)));
  }

  @Test
  void earlierNamespacesAreReadableCountedAndGoneFromTheOldKeys() {
    writeEarlier("acme", "notes", "publisher-1", "a", "first");
    writeEarlier("acme", "notes", "publisher-1", "b", "second");
    writeEarlier("acme", "todo", "publisher-2", "x", "third");
    writeEarlier("globex", "notes", "publisher-1", "a", "theirs");
    command(Request.cmd(Command.SET).arg("{kv:not:a:namespace:at:all}:data").arg("kept"));

    assertThat(Await.result(new EarlierKvLayout(redis, store).adoptAll())).isEqualTo(3);

    KvStore.Namespace notes = new KvStore.Namespace("acme", "notes", "publisher-1");
    assertThat(value(notes, "a")).contains("first");
    assertThat(value(notes, "b")).contains("second");
    assertThat(value(new KvStore.Namespace("acme", "todo", "publisher-2"), "x")).contains("third");
    assertThat(value(new KvStore.Namespace("globex", "notes", "publisher-1"), "a"))
        .contains("theirs");
    assertThat(keys("{kv:acme:*")).isEmpty();
    assertThat(keys("{kv:not:*")).as("a key of no namespace is left alone").hasSize(1);
    long acme = Long.parseLong(command(Request.cmd(Command.GET).arg(notes.tenantStored())));
    assertThat(acme).isEqualTo(stored("a", "first") + stored("b", "second") + stored("x", "third"));
    assertThat(Long.parseLong(command(Request.cmd(Command.GET).arg(notes.bytes()))))
        .isEqualTo("afirst".length() + "bsecond".length());
  }

  @Test
  void aRunStoppedAfterAdoptingIsFinishedWithoutCountingTwice() {
    KvStore.Namespace notes = new KvStore.Namespace("acme", "notes", "publisher-1");
    writeEarlier("acme", "notes", "publisher-1", "a", "first");
    assertThat(
            Await.result(
                store.adopt(
                    notes, List.of("a", Base64.getEncoder().encodeToString(bytes("first"))))))
        .isTrue();

    assertThat(Await.result(new EarlierKvLayout(redis, store).adoptAll())).isEqualTo(1);

    assertThat(keys("{kv:acme:*")).isEmpty();
    assertThat(Long.parseLong(command(Request.cmd(Command.GET).arg(notes.tenantStored()))))
        .isEqualTo(stored("a", "first"));
  }

  @Test
  void onceMarkedLaterStartsMoveNothing() {
    assertThat(Await.result(new EarlierKvLayout(redis, store).adoptAll())).isZero();
    writeEarlier("acme", "notes", "publisher-1", "a", "late");

    assertThat(Await.result(new EarlierKvLayout(redis, store).adoptAll())).isZero();
    assertThat(keys("{kv:acme:*")).hasSize(2);
  }

  @Test
  void adoptedDataCountsAgainstTheShareOfWhatComesNext() {
    KvStore small = new KvStore(redis, stored("a", "first") + 10, 1 << 20, 25);
    writeEarlier("acme", "notes", "publisher-1", "a", "first");
    Await.result(new EarlierKvLayout(redis, small).adoptAll());

    Optional<AbiError> refused =
        Await.result(
            small.put(
                new KvStore.Namespace("acme", "other", "publisher-1"),
                "b",
                bytes("more"),
                new KvCapability(1 << 20, 100)));
    assertThat(refused).contains(AbiError.QUOTA_EXCEEDED);
  }

  /** Writes one entry as versions before the tenant tag did: one hash tag per namespace. */
  private static void writeEarlier(
      String tenant, String tool, String publisher, String key, String value) {
    String tag = "{kv:" + tenant + ':' + tool + ':' + KvStore.publisherHex(publisher) + '}';
    command(
        Request.cmd(Command.HSET)
            .arg(tag + ":data")
            .arg(key)
            .arg(Base64.getEncoder().encodeToString(bytes(value))));
    command(Request.cmd(Command.INCRBY).arg(tag + ":bytes").arg(key.length() + value.length()));
  }

  private static long stored(String key, String value) {
    return 2 * key.length()
        + Base64.getEncoder().encodeToString(bytes(value)).length()
        + KvStore.ENTRY_OVERHEAD_BYTES;
  }

  private static Optional<String> value(KvStore.Namespace namespace, String key) {
    return Await.result(store.get(namespace, key)).map(v -> new String(v, StandardCharsets.UTF_8));
  }

  private static List<String> keys(String pattern) {
    List<String> keys = new ArrayList<>();
    Await.result(redis.send(Request.cmd(Command.KEYS).arg(pattern)))
        .forEach(key -> keys.add(key.toString()));
    return keys;
  }

  private static String command(Request request) {
    return String.valueOf(Await.result(redis.send(request)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
