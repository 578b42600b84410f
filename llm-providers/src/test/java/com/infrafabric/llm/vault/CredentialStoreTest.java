package com.infrafabric.llm.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vault's opening of a credential on every call: the opening is reused while Redis holds the
 * same sealed value, and a replaced or deleted credential is honoured on the very next call.
 */
@Timeout(30)
class CredentialStoreTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final String ORIGIN = "http://127.0.0.1:9";
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("store-test"));

  private static Vertx vertx;
  private static RedisStore redis;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofSeconds(2)),
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
    vertx.close().await();
  }

  @Test
  void anUnchangedCredentialIsOpenedOnceAndReusedOnEveryCall() {
    CredentialStore store = new CredentialStore(redis, KEYS);
    put("kept", "sk-first");

    OpenedCredential first = open(store, "kept");
    OpenedCredential second = open(store, "kept");

    assertThat(first.secret()).isEqualTo("sk-first");
    assertThat(second).isSameAs(first);
  }

  @Test
  void aReplacedCredentialIsOpenedAnewOnTheNextCall() {
    CredentialStore store = new CredentialStore(redis, KEYS);
    put("rotated", "sk-old");
    open(store, "rotated");

    put("rotated", "sk-new");

    assertThat(open(store, "rotated").secret()).isEqualTo("sk-new");
  }

  @Test
  void aDeletedCredentialIsGoneOnTheNextCall() {
    CredentialStore store = new CredentialStore(redis, KEYS);
    put("revoked", "sk-revoked");
    open(store, "revoked");

    Await.result(
        new SealedCredentials(redis)
            .delete(new CredentialId(CredentialOwner.operator(), "revoked")));

    assertThat(Await.result(store.open(CredentialOwner.operator(), "revoked"))).isEmpty();
  }

  private static void put(String name, String secret) {
    VaultFixture.putOperatorKey(redis, KEYS, name, secret, ORIGIN, "authorization", "Bearer");
  }

  private static OpenedCredential open(CredentialStore store, String name) {
    return Await.result(store.open(CredentialOwner.operator(), name)).orElseThrow();
  }
}
