package com.infrafabric.llm.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.destination.Destination;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vault's opening of a credential on every call: the opening is reused while Redis holds the
 * same sealed value, and a replaced or deleted credential is honoured on the very next call. Its
 * index by origin is read again only when the vault changed, through this node or another.
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

  /**
   * Regression: what protected a secret came only from the credentials an invocation could use, so
   * other tools and tenants read what its origin stored raw. Every credential bound to an origin,
   * of any owner, is found from it; and a put, delete or reseal through one node reaches the index
   * another node holds at its next read.
   */
  @Test
  void theIndexByOriginFollowsEveryChangeMadeThroughAnyNode() {
    CredentialStore node = new CredentialStore(redis, KEYS);
    SealedCredentials otherNode = new SealedCredentials(redis);
    CredentialId acme = new CredentialId(CredentialOwner.tenant("acme"), "echo-key");
    CredentialId beta = new CredentialId(CredentialOwner.tenant("beta"), "echo-key");
    String exact = "https://api.example.com:443";
    Destination api = Destination.parse(exact + "/last");
    Await.result(otherNode.put(acme, sealed(acme, "sk-acme-secret", List.of(exact))));
    Await.result(
        otherNode.put(beta, sealed(beta, "sk-beta-secret", List.of("https://*.example.com:443"))));

    assertThat(secretsBoundTo(node, api)).containsOnlyKeys(acme, beta);
    assertThat(secretsBoundTo(node, Destination.parse("https://example.com/"))).isEmpty();
    assertThat(secretsBoundTo(node, Destination.parse("http://api.example.com:443/"))).isEmpty();

    String read = Await.result(otherNode.encoded(acme)).orElseThrow();
    Await.result(otherNode.swap(acme, read, sealed(acme, "sk-acme-resealed", List.of(exact))));
    assertThat(secretsBoundTo(node, api)).containsEntry(acme, "sk-acme-resealed");

    Await.result(otherNode.delete(beta));
    assertThat(secretsBoundTo(node, api)).containsOnlyKeys(acme);
  }

  /**
   * Regression: binding keyed on an origin's name alone, so another name for its server was
   * unbound. The index lists the exact origins on a scheme and port, whose addresses a server
   * reached under another name is compared with; a wildcard's names cannot be listed.
   */
  @Test
  void theIndexListsTheExactOriginsOnASchemeAndPort() {
    SealedCredentials vault = new SealedCredentials(redis);
    CredentialId named = new CredentialId(CredentialOwner.tenant("acme"), "named");
    CredentialId literal = new CredentialId(CredentialOwner.operator(), "literal");
    Await.result(
        vault.put(
            named,
            sealed(
                named,
                "sk-named-secret",
                List.of("https://api.example.com:443", "https://*.example.com:443"))));
    Await.result(
        vault.put(
            literal,
            sealed(literal, "sk-literal-secret", List.of("https://[::ffff:10.1.2.3]:443"))));

    CredentialIndex index = Await.result(new CredentialStore(redis, KEYS).index());

    assertThat(index.exactOrigins("https", 443))
        .extracting(Destination::origin)
        .containsExactlyInAnyOrder("https://api.example.com:443", "https://10.1.2.3:443");
    assertThat(index.exactOrigins("http", 443)).isEmpty();
    assertThat(index.exactOrigins("https", 8443)).isEmpty();
    Await.result(vault.delete(named));
    Await.result(vault.delete(literal));
  }

  @Test
  void anUnchangedVaultIsIndexedOnceAndCredentialsWrittenBeforeAnyGenerationAreIndexed() {
    CredentialId old = new CredentialId(CredentialOwner.tenant("acme"), "written-before");
    Await.result(
        redis.send(
            Request.cmd(Command.HSET)
                .arg(SealedCredentials.KEY)
                .arg(old.field())
                .arg(sealed(old, "sk-written-before", List.of(ORIGIN)).encode())));
    CredentialStore node = new CredentialStore(redis, KEYS);

    CredentialIndex first = Await.result(node.index());

    assertThat(Await.result(node.index())).isSameAs(first);
    assertThat(first.boundTo(Destination.parse(ORIGIN + "/"))).containsKey(old);
  }

  private static Map<CredentialId, String> secretsBoundTo(CredentialStore node, Destination at) {
    Map<CredentialId, String> secrets = new HashMap<>();
    Await.result(node.index()).boundTo(at).forEach((id, c) -> secrets.put(id, c.secret()));
    return secrets;
  }

  private static StoredCredential sealed(CredentialId id, String secret, List<String> allow) {
    CredentialPayload payload =
        new CredentialPayload(secret, allow, "authorization", "Bearer", ResponsePolicy.full());
    return new StoredCredential(
        KEYS.seal(payload.encode(), id.field()),
        new CredentialInfo(
            id.owner(),
            id.name(),
            allow,
            "authorization",
            "Bearer",
            payload.response(),
            KEYS.currentKeyId(),
            Instant.EPOCH));
  }

  private static void put(String name, String secret) {
    VaultFixture.putOperatorKey(redis, KEYS, name, secret, ORIGIN, "authorization", "Bearer");
  }

  private static OpenedCredential open(CredentialStore store, String name) {
    return Await.result(store.open(CredentialOwner.operator(), name)).orElseThrow();
  }
}
