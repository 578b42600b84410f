package com.infrafabric.governor.keys;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class VirtualKeysTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;
  private static VirtualKeys keys;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    keys =
        new VirtualKeys(
            rig.scripts,
            rig.redis,
            SharedBuckets.create(rig.redis, rig.clock),
            3,
            Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  static KeySpec spec(String scope) {
    return new KeySpec(
        Scope.parse(scope), Set.of("gpt-test"), 100, 10_000, Map.of("team", "search"), null);
  }

  static IssuedKey create(VirtualKeys keys, String scope) {
    return Await.result(keys.create(spec(scope), newKey(), GovernorRig.ADMIN));
  }

  @Test
  void aCreatedKeyAuthenticatesWithItsSecretAndRedisHoldsNoTraceOfTheSecret() {
    String t = freshTenant("vk");
    IssuedKey issued = create(keys, t + "/proj");
    String secret = issued.secret().orElseThrow();

    assertThat(secret).startsWith("ifk_" + t + "." + issued.key().id() + ".");
    assertThat(Await.result(keys.authenticate(secret))).contains(issued.key());
    assertThat(issued.key().scope()).isEqualTo(Scope.parse(t + "/proj"));
    assertThat(issued.toString()).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
    String everything = String.join("\n", everythingStoredFor(t));
    assertThat(everything).contains(issued.key().id());
    assertThat(everything).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
    assertThat(rig.ledger(t))
        .extracting(LedgerEntry::type, e -> e.fields().get("op"), e -> e.fields().get("kid"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("vkey", "create", issued.key().id()));
  }

  @Test
  void anythingButALiveKeyWithItsOwnSecretIsRefused() {
    String t = freshTenant("vk-bad");
    String secret = create(keys, t).secret().orElseThrow();
    String other = create(keys, t).secret().orElseThrow();
    String forged = secret.substring(0, secret.lastIndexOf('.') + 1) + "A".repeat(43);
    String swapped =
        secret.substring(0, secret.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));

    for (String presented :
        List.of(
            forged,
            swapped,
            "",
            "ifk_",
            "sk-" + secret,
            secret + "x",
            secret.replace(t, t + "x"),
            "ifk_" + t + ".k00000000000000000000." + "A".repeat(43))) {
      assertThat(Await.result(keys.authenticate(presented))).as(presented).isEmpty();
    }
    assertThat(Await.result(keys.authenticate(null))).isEmpty();
    assertThat(VirtualKeys.looksLikeKey(forged)).isTrue();
    assertThat(VirtualKeys.looksLikeKey("eyJhbGciOiJFUzI1NiJ9.e30.sig")).isFalse();
  }

  @Test
  void anExpiredKeyStopsAuthenticatingAtItsExpiry() {
    String t = freshTenant("vk-exp");
    Instant expiry = rig.clock.instant().plus(Duration.ofHours(1));
    KeySpec spec = new KeySpec(Scope.parse(t), Set.of("*"), 10, 10, Map.of(), expiry);
    IssuedKey issued = Await.result(keys.create(spec, newKey(), GovernorRig.ADMIN));
    String secret = issued.secret().orElseThrow();

    assertThat(Await.result(keys.authenticate(secret))).isPresent();
    rig.clock.set(expiry);
    try {
      assertThat(Await.result(keys.authenticate(secret))).isEmpty();
      assertThat(Await.result(keys.get(t, issued.key().id(), Scope.parse(t))).orElseThrow())
          .extracting(VirtualKey::expiresAt)
          .isEqualTo(expiry);
    } finally {
      rig.clock.set(Instant.parse("2026-11-23T10:00:00Z"));
    }
  }

  @Test
  void rotationKillsTheOldSecretAndRevocationKillsTheKey() {
    String t = freshTenant("vk-rot");
    IssuedKey issued = create(keys, t + "/p");
    String id = issued.key().id();
    String old = issued.secret().orElseThrow();

    IssuedKey rotated =
        Await.result(keys.rotate(t, id, Scope.parse(t), newKey(), GovernorRig.ADMIN));
    String fresh = rotated.secret().orElseThrow();
    assertThat(rotated.key()).isEqualTo(issued.key());
    assertThat(Await.result(keys.authenticate(old))).isEmpty();
    assertThat(Await.result(keys.authenticate(fresh))).contains(issued.key());

    Await.result(keys.revoke(t, id, Scope.parse(t), newKey(), GovernorRig.ADMIN));
    assertThat(Await.result(keys.authenticate(fresh))).isEmpty();
    assertThat(Await.result(keys.get(t, id, Scope.parse(t)))).isEmpty();
    assertThat(rig.ledger(t))
        .extracting(e -> e.fields().get("op"))
        .containsExactly("create", "rotate", "revoke");
    assertThatThrownBy(
            () -> Await.result(keys.revoke(t, id, Scope.parse(t), newKey(), GovernorRig.ADMIN)))
        .isInstanceOf(GovernorException.class)
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void aKeyOutsideTheCallersSubtreeCannotBeSeenRotatedOrRevoked() {
    String t = freshTenant("vk-sub");
    IssuedKey issued = create(keys, t + "/a");
    String id = issued.key().id();
    Scope elsewhere = Scope.parse(t + "/b");

    assertThat(Await.result(keys.get(t, id, elsewhere))).isEmpty();
    assertThat(Await.result(keys.list(elsewhere, null, 10)).keys()).isEmpty();
    assertThatThrownBy(
            () -> Await.result(keys.rotate(t, id, elsewhere, newKey(), GovernorRig.ADMIN)))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThatThrownBy(
            () -> Await.result(keys.revoke(t, id, elsewhere, newKey(), GovernorRig.ADMIN)))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(Await.result(keys.authenticate(issued.secret().orElseThrow()))).isPresent();
  }

  @Test
  void aTenantHoldsAtMostItsLimitOfKeysAndARevocationFreesOne() {
    String t = freshTenant("vk-max");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(keys, t).key().id());
    }
    assertThatThrownBy(() -> create(keys, t))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.KEY_LIMIT_REACHED);

    Await.result(keys.revoke(t, ids.get(0), Scope.parse(t), newKey(), GovernorRig.ADMIN));
    assertThat(create(keys, t).secret()).isPresent();
  }

  @Test
  void aSubtreeHoldsAtMostHalfOfItsParentsShareOfKeysSoItsSiblingsKeepTheirs() {
    String t = freshTenant("vk-share");
    VirtualKeys eight =
        new VirtualKeys(
            rig.scripts, rig.redis, SharedBuckets.create(rig.redis, rig.clock), 8, Duration.ZERO);
    List<String> team = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      team.add(create(eight, t + "/q/" + i).key().id());
    }

    GovernorException refused = (GovernorException) catchThrowable(() -> create(eight, t + "/q/x"));

    assertThat(refused.code()).isEqualTo(ErrorCode.KEY_LIMIT_REACHED);
    assertThat(refused.details()).containsEntry("subtree", t + "/q").containsEntry("max_keys", 4L);
    assertThat(refused.getMessage()).contains("the subtree " + t + "/q already holds 4 keys");
    assertThat(create(eight, t + "/s").secret()).isPresent();
    Await.result(eight.revoke(t, team.get(0), Scope.parse(t), newKey(), GovernorRig.ADMIN));
    assertThat(create(eight, t + "/q/x").secret()).isPresent();
  }

  @Test
  void listingPagesThroughTheSubtreeInIdOrder() {
    String t = freshTenant("vk-list");
    VirtualKeys many =
        new VirtualKeys(
            rig.scripts, rig.redis, SharedBuckets.create(rig.redis, rig.clock), 100, Duration.ZERO);
    List<String> inside = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inside.add(create(many, t + "/in").key().id());
      create(many, t + "/out");
    }
    inside.sort(null);

    KeyPage first = Await.result(many.list(Scope.parse(t + "/in"), null, 2));
    KeyPage second =
        Await.result(many.list(Scope.parse(t + "/in"), first.nextCursor().orElseThrow(), 2));
    KeyPage last =
        Await.result(many.list(Scope.parse(t + "/in"), second.nextCursor().orElseThrow(), 2));

    List<String> seen = new ArrayList<>();
    for (KeyPage page : List.of(first, second, last)) {
      page.keys().forEach(k -> seen.add(k.id()));
    }
    assertThat(seen).isEqualTo(inside);
    assertThat(last.nextCursor()).isEmpty();
    assertThat(Await.result(many.list(Scope.parse(t), null, 100)).keys()).hasSize(10);
  }

  @Test
  void aRetriedCreateMakesNoSecondKeyAndShowsNoSecretAgain() {
    String t = freshTenant("vk-idem");
    IdempotencyKey idem = newKey();
    IssuedKey first = Await.result(keys.create(spec(t), idem, GovernorRig.ADMIN));
    IssuedKey again = Await.result(keys.create(spec(t), idem, GovernorRig.ADMIN));

    assertThat(again.key()).isEqualTo(first.key());
    assertThat(again.secret()).isEmpty();
    assertThat(Await.result(keys.list(Scope.parse(t), null, 10)).keys()).hasSize(1);
    assertThatThrownBy(() -> Await.result(keys.create(spec(t + "/other"), idem, GovernorRig.ADMIN)))
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
  }

  @Test
  void specsOutOfRangeAreRefusedBeforeAnythingIsStored() {
    String t = freshTenant("vk-spec");
    Scope scope = Scope.parse(t);
    List<KeySpec> bad =
        List.of(
            new KeySpec(scope, Set.of(), 1, 1, Map.of(), null),
            new KeySpec(scope, Set.of("a,b"), 1, 1, Map.of(), null),
            new KeySpec(scope, Set.of("m"), 0, 1, Map.of(), null),
            new KeySpec(scope, Set.of("m"), 1, VirtualKey.MAX_RATE + 1, Map.of(), null),
            new KeySpec(scope, Set.of("m"), 1, 1, Map.of("Bad Name", "v"), null),
            new KeySpec(scope, Set.of("m"), 1, 1, Map.of("n", "x".repeat(257)), null),
            new KeySpec(scope, Set.of("m"), 1, 1, Map.of("n", "line\nbreak"), null));
    for (KeySpec spec : bad) {
      assertThatThrownBy(() -> keys.create(spec, newKey(), GovernorRig.ADMIN))
          .as(spec.toString())
          .isInstanceOf(GovernorException.class)
          .extracting(e -> ((GovernorException) e).code())
          .isEqualTo(ErrorCode.INVALID_REQUEST);
    }
    assertThat(everythingStoredFor(t)).isEmpty();
  }

  /** Every string stored under the tenant's hash tag: hash fields, stream entries, strings. */
  static List<String> everythingStoredFor(String tenant) {
    List<String> values = new ArrayList<>();
    Response names =
        Await.result(rig.redis.send(Request.cmd(Command.KEYS).arg("*{" + tenant + "}*")));
    for (Response name : names) {
      String key = name.toString();
      values.add(key);
      String type = Await.result(rig.redis.send(Request.cmd(Command.TYPE).arg(key))).toString();
      Request read =
          switch (type) {
            case "hash" -> Request.cmd(Command.HGETALL).arg(key);
            case "stream" -> Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+");
            case "string" -> Request.cmd(Command.GET).arg(key);
            case "zset" -> Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1);
            default -> Request.cmd(Command.SMEMBERS).arg(key);
          };
      values.add(String.valueOf(Await.result(rig.redis.send(read))));
    }
    return values;
  }
}
