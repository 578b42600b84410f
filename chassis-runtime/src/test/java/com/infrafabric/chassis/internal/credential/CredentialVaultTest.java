package com.infrafabric.chassis.internal.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.InvalidCredentialException;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.credential.ResealReport;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.testing.KeyRings;
import com.infrafabric.llm.vault.CredentialInfo;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.llm.vault.SealedCredentials;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
class CredentialVaultTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final String CANARY = "sk-canary-7c1e9a3b5d";
  private static final CredentialOwner ACME = CredentialOwner.tenant("acme");
  private static final CredentialOwner GLOBEX = CredentialOwner.tenant("globex");
  private static final CredentialOwner OPERATOR = CredentialOwner.operator();
  private static final String FIELD = "tenant/acme/search-key";
  private static final String OLD_KEYS = MasterKeys.generateJwks("2025");

  private static Vertx vertx;
  private static RedisStore redis;
  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint())
                .withCommandTimeout(ChassisServiceRig.COMMAND_TIMEOUT),
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
    vertx.close().await();
  }

  @BeforeEach
  void empty() {
    Await.result(redis.send(Request.cmd(Command.DEL).arg(SealedCredentials.KEY)));
  }

  @Test
  void aStoredCredentialIsListedWithoutItsSecretAndRedisNeverHoldsItInTheClear() {
    RedisCredentialVault vault = vault(MasterKeys.parse(OLD_KEYS));
    CredentialInfo info = Await.result(vault.put(search(CANARY)));

    assertThat(info)
        .isEqualTo(
            new CredentialInfo(
                ACME,
                "search-key",
                List.of("https://api.search.test:443"),
                "authorization",
                "Bearer",
                ResponsePolicy.statusOnly(3),
                "2025",
                clock.instant()));
    assertThat(Await.result(vault.list(ACME))).containsExactly(info);
    assertThat(Await.result(vault.list(GLOBEX))).isEmpty();
    assertThat(Await.result(vault.list(OPERATOR))).isEmpty();
    assertThat(info.toString()).doesNotContain(CANARY);
    assertThat(search(CANARY).toString()).doesNotContain(CANARY);
    assertThat(rawRedisValue(FIELD)).doesNotContain(CANARY).doesNotContain("canary");
  }

  @Test
  void aCredentialBelongsToItsOwnerAndOpensForNoOther() {
    MasterKeys keys = MasterKeys.parse(OLD_KEYS);
    RedisCredentialVault vault = vault(keys);
    Await.result(vault.put(search(CANARY)));
    Await.result(vault.put(withOwner(search("sk-globex-0123456789"), GLOBEX)));
    Await.result(vault.put(withOwner(search("sk-operator-0123456789"), OPERATOR)));
    CredentialStore store = new CredentialStore(redis, keys);

    assertThat(Await.result(store.open(ACME, "search-key")).orElseThrow().secret())
        .isEqualTo(CANARY);
    assertThat(Await.result(store.open(GLOBEX, "search-key")).orElseThrow().secret())
        .isEqualTo("sk-globex-0123456789");
    assertThat(Await.result(store.open(OPERATOR, "search-key")).orElseThrow().secret())
        .isEqualTo("sk-operator-0123456789");
    assertThat(Await.result(store.open(CredentialOwner.tenant("initech"), "search-key"))).isEmpty();

    // A sealed value copied to another owner's field in Redis does not open there.
    rawRedisPut("tenant/initech/search-key", rawRedisValue(FIELD));
    assertThat(Await.result(store.open(CredentialOwner.tenant("initech"), "search-key"))).isEmpty();
    assertThat(Await.result(vault.delete(GLOBEX, "search-key"))).isTrue();
    assertThat(Await.result(store.open(ACME, "search-key"))).isPresent();
  }

  @Test
  void theOperatorsCredentialsAreReadByTheHostOnlySoTheirResponseIsFull() {
    NewCredential statusOnly = search(CANARY);
    assertInvalid(
        vault(MasterKeys.parse(OLD_KEYS)),
        new NewCredential(
            OPERATOR,
            statusOnly.name(),
            CANARY,
            statusOnly.allow(),
            statusOnly.header(),
            statusOnly.scheme(),
            statusOnly.response()),
        "credential search-key is the operator's: only the host reads its answers, so its"
            + " response is full");
  }

  @Test
  void aRecordThisVaultDidNotWriteIsNeitherListedNorOpenedAndResealReportsIt() {
    RedisCredentialVault vault = vault(MasterKeys.parse(OLD_KEYS));
    Await.result(vault.put(search(CANARY)));
    rawRedisPut("search-key", rawRedisValue(FIELD));
    assertThat(Await.result(vault.list(ACME))).hasSize(1);
    assertThat(Await.result(vault.reseal()).unreadable()).containsExactly("search-key");
  }

  @Test
  void theInjectionPathOpensTheSealedFieldsOnlyEvenWhenThePlainCopyIsAltered() {
    MasterKeys keys = MasterKeys.parse(OLD_KEYS);
    Await.result(vault(keys).put(search(CANARY)));
    JsonObject stored = new JsonObject(rawRedisValue(FIELD));
    stored
        .put("allow", List.of("https://evil.test:443"))
        .put("header", "x-leak")
        .put("response", "full")
        .remove("max_requests");
    rawRedisPut(FIELD, stored.encode());

    OpenedCredential opened =
        Await.result(new CredentialStore(redis, keys).open(ACME, "search-key")).orElseThrow();
    assertThat(opened.header()).isEqualTo("authorization");
    assertThat(opened.headerValue()).isEqualTo("Bearer " + CANARY);
    assertThat(opened.response()).isEqualTo(ResponsePolicy.statusOnly(3));
    assertThat(opened.allows(Destination.parse("https://api.search.test/v1"))).isTrue();
    assertThat(opened.allows(Destination.parse("https://evil.test/"))).isFalse();
    assertThat(opened.toString()).isEqualTo("OpenedCredential[search-key]");
  }

  @Test
  void resealMovesEveryCredentialToTheNewKeySoTheOldKeyCanBeRetired() {
    Await.result(vault(MasterKeys.parse(OLD_KEYS)).put(search(CANARY)));
    String newKeys = MasterKeys.generateJwks("2026");
    MasterKeys rotated = MasterKeys.parse(KeyRings.rotate(newKeys, OLD_KEYS));
    clock.advance(java.time.Duration.ofHours(1));

    assertThat(Await.result(vault(rotated).reseal())).isEqualTo(new ResealReport(1, 0, List.of()));
    assertThat(Await.result(vault(rotated).reseal())).isEqualTo(new ResealReport(0, 1, List.of()));
    assertThat(Await.result(vault(rotated).list(ACME)).get(0).keyId()).isEqualTo("2026");

    MasterKeys retired = MasterKeys.parse(newKeys);
    assertThat(Await.result(new CredentialStore(redis, retired).open(ACME, "search-key")))
        .isPresent();
  }

  @Test
  void aCredentialNoKeyOpensIsReportedAndTreatedAsAbsent() {
    Await.result(vault(MasterKeys.parse(OLD_KEYS)).put(search(CANARY)));
    MasterKeys stranger = MasterKeys.parse(MasterKeys.generateJwks("other"));

    assertThat(Await.result(vault(stranger).reseal()))
        .isEqualTo(new ResealReport(0, 0, List.of(FIELD)));
    assertThat(Await.result(new CredentialStore(redis, stranger).open(ACME, "search-key")))
        .isEmpty();
    assertThat(Await.result(vault(stranger).delete(ACME, "search-key"))).isTrue();
    assertThat(Await.result(vault(stranger).delete(ACME, "search-key"))).isFalse();
  }

  @Test
  void invalidCredentialsAreRefusedNamingTheFieldButNeverTheSecret() {
    RedisCredentialVault vault = vault(MasterKeys.parse(OLD_KEYS));
    assertInvalid(
        vault,
        credential("Search Key", CANARY, List.of("https://a.test:443"), "authorization", ""),
        "credential name \"Search Key\" must match [a-z0-9][a-z0-9._-]{0,63}");
    assertInvalid(
        vault,
        credential("k", "short", List.of("https://a.test:443"), "authorization", ""),
        "credential k secret must be 8 to 8192 visible ASCII characters");
    assertInvalid(
        vault,
        credential("k", CANARY + " x", List.of("https://a.test:443"), "authorization", ""),
        "credential k secret must be 8 to 8192 visible ASCII characters");
    assertInvalid(
        vault,
        credential("k", CANARY, List.of("https://a.test"), "authorization", ""),
        "credential k allow[0] \"https://a.test\" is not of the form scheme://host:port (scheme"
            + " http or https)");
    assertInvalid(
        vault,
        credential("k", CANARY, List.of("https://a.test:443", "http://a.test:443"), "x-key", ""),
        "credential k allow[1] scheme http is not allowed by the operator");
    assertInvalid(
        vault,
        credential("k", CANARY, List.of("http://a.test:8080"), "x-key", ""),
        "credential k allow[0] scheme http is not allowed by the operator; port 8080 is not allowed"
            + " by the operator");
    assertInvalid(
        vault,
        credential("k", CANARY, List.of("https://a.test:443"), "Host", ""),
        "credential k header \"Host\" is not a header a credential may set");
    assertInvalid(
        vault,
        credential("k", CANARY, List.of("https://a.test:443"), "authorization", "Bear er"),
        "credential k scheme \"Bear er\" must be empty or match [A-Za-z][A-Za-z0-9-]{0,31}");
    assertThat(Await.result(vault.list(ACME))).isEmpty();
  }

  @Test
  void noFieldButTheSecretMayHoldItForEveryOtherFieldIsListedAndQuoted() {
    // The probe: header = the secret was stored, and every listing showed it lowercased.
    RedisCredentialVault vault = vault(MasterKeys.parse(OLD_KEYS));
    String secret = "abcdef0123456789";
    for (NewCredential holding :
        List.of(
            credential("k", secret, List.of("https://a.test:443"), "X-" + secret.toUpperCase(), ""),
            credential("k-" + secret, secret, List.of("https://a.test:443"), "authorization", ""),
            credential("k", secret, List.of("https://a.test:443"), "authorization", "B" + secret),
            credential("k", secret, List.of("https://" + secret + ".test:443"), "x-key", ""))) {
      assertThatThrownBy(() -> Await.result(vault.put(holding)))
          .isInstanceOf(InvalidCredentialException.class)
          .hasMessageContaining("holds its secret")
          .hasMessageNotContaining(secret)
          .hasMessageNotContaining(secret.toUpperCase());
    }
    assertThat(Await.result(vault.list(ACME))).isEmpty();
  }

  private static void assertInvalid(RedisCredentialVault vault, NewCredential bad, String message) {
    assertThatThrownBy(() -> Await.result(vault.put(bad)))
        .isInstanceOfSatisfying(
            InvalidCredentialException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIAL))
        .hasMessage(message)
        .hasMessageNotContaining(CANARY);
  }

  private RedisCredentialVault vault(MasterKeys keys) {
    return new RedisCredentialVault(
        new CredentialStore(redis, keys), keys, clock, EgressSettings.defaults());
  }

  private static NewCredential search(String secret) {
    return new NewCredential(
        ACME,
        "search-key",
        secret,
        List.of("https://api.search.test:443"),
        "Authorization",
        "Bearer",
        ResponsePolicy.statusOnly(3));
  }

  private static NewCredential credential(
      String name, String secret, List<String> allow, String header, String scheme) {
    return new NewCredential(ACME, name, secret, allow, header, scheme, ResponsePolicy.full());
  }

  /** The same credential for {@code owner}, its response full if it is the operator's. */
  private static NewCredential withOwner(NewCredential credential, CredentialOwner owner) {
    return new NewCredential(
        owner,
        credential.name(),
        credential.secret(),
        credential.allow(),
        credential.header(),
        credential.scheme(),
        owner instanceof CredentialOwner.Operator ? ResponsePolicy.full() : credential.response());
  }

  /** Writes a field of the vault's hash as someone with Redis access could. */
  private static void rawRedisPut(String field, String value) {
    Await.result(
        redis.send(Request.cmd(Command.HSET).arg(SealedCredentials.KEY).arg(field).arg(value)));
  }

  private static String rawRedisValue(String name) {
    return Await.result(redis.send(Request.cmd(Command.HGET).arg(SealedCredentials.KEY).arg(name)))
        .toString();
  }
}
