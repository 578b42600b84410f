package com.infrafabric.governor.keys;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Fingerprint;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Virtual API keys: what the LLM gateway authenticates callers with, each bound to a budget scope,
 * allowed models and per-minute limits. Admins create, list, rotate and revoke them; each change is
 * one tenant script that also appends a {@code vkey} entry to the tenant's ledger (never the secret
 * nor its hash).
 *
 * <p>A key's record is {@code gov:{tenant}:k:<id>}, and the tenant's index {@code
 * gov:{tenant}:keys} (id to scope) bounds how many keys a tenant holds. Only the SHA-256 of the
 * presented key is stored (see {@link PresentedKey} for why that suffices).
 *
 * <p>{@link #authenticate} keeps the keys it found live for a short time ({@code cacheTtl}, {@code
 * gateway.keyCacheTtl}: 500 ms by default, at most a second, zero to read the record on every call;
 * see {@link LiveKeys}), so a rotation, revocation or expiry holds on every node within {@code
 * cacheTtl} of its script running, and at once on the node that ran it. Authorising the caller of
 * the management operations is the REST layer's part; {@code within} confines each to a subtree (a
 * key outside it is reported as not found). Thread-safe.
 */
public final class VirtualKeys {

  /** How many keys a tenant may hold unless configured otherwise. */
  public static final int DEFAULT_MAX_KEYS_PER_TENANT = 10_000;

  /** The most keys one page holds. */
  public static final int MAX_PAGE_SIZE = 1000;

  private static final LuaScript CREATE =
      keyScript(
          "key_create",
          ScriptArgs.of(
              "key_id",
              "scope",
              "secret_hash",
              "models",
              "rpm",
              "tpm",
              "meta",
              "expires_at",
              "max_keys",
              "by"));
  private static final LuaScript ROTATE =
      keyScript("key_rotate", ScriptArgs.of("key_id", "secret_hash", "subtree", "by"));
  private static final LuaScript REVOKE =
      keyScript("key_revoke", ScriptArgs.of("key_id", "subtree", "by"));
  private static final LuaScript EXPIRE =
      keyScript("key_expire", ScriptArgs.of("key_id", "subtree", "expires_at", "by"));

  private final TenantScripts scripts;
  private final KeyRecords records;
  private final KeyRateLimits limits;
  private final int maxKeysPerTenant;
  private final LiveKeys live;
  private final KeyLookups lookups;

  /**
   * @param scripts runs the tenant scripts (and gives the clock expiry is read from)
   * @param redis reads key records
   * @param buckets the cluster-wide token buckets of the per-key limits
   * @param maxKeysPerTenant how many keys one tenant may hold
   * @param cacheTtl how long a key found live serves from this node without reading its record
   *     again: the bound on how late a change made on another node holds here; zero: no cache
   */
  public VirtualKeys(
      TenantScripts scripts,
      RedisStore redis,
      SharedBuckets buckets,
      int maxKeysPerTenant,
      Duration cacheTtl) {
    if (maxKeysPerTenant < 1) {
      throw new IllegalArgumentException("maxKeysPerTenant must be positive");
    }
    this.scripts = scripts;
    this.records = new KeyRecords(redis);
    this.limits = new KeyRateLimits(buckets);
    this.maxKeysPerTenant = maxKeysPerTenant;
    this.live = new LiveKeys(cacheTtl);
    this.lookups = new KeyLookups(scripts.clock());
  }

  /** The Lua scripts of key management (to load at start, check for readiness). */
  public static List<LuaScript> scripts() {
    return List.of(CREATE, ROTATE, REVOKE, EXPIRE);
  }

  /**
   * Creates a key as {@code spec} describes; its secret is in the answer and nowhere else.
   *
   * @param by who creates it (the caller's subject), for the ledger, as for each change of a key
   * @return a future failed with {@code INVALID_REQUEST} if the spec is out of range, {@code
   *     KEY_LIMIT_REACHED} if the tenant holds as many keys as it may
   */
  public Future<IssuedKey> create(KeySpec spec, IdempotencyKey idempotencyKey, String by) {
    String tenant = spec.scope().tenant();
    String id = PresentedKey.newId();
    VirtualKey key = spec.withId(id);
    if (key.expiredAt(scripts.clock().instant())) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "expires_at " + key.expiresAt() + " is not in the future",
          Map.of("field", "expires_at"));
    }
    PresentedKey presented = PresentedKey.generate(tenant, id);
    return scripts
        .run(
            tenant,
            CREATE,
            idempotencyKey,
            fingerprint(key),
            null,
            (args, now) ->
                args.put("key_id", id)
                    .put("scope", key.scope().path())
                    .put("secret_hash", presented.hash())
                    .put("models", KeyRecords.models(key))
                    .put("rpm", key.requestsPerMinute())
                    .put("tpm", key.tokensPerMinute())
                    .put("meta", KeyRecords.metadata(key))
                    .put("expires_at", KeyRecords.expiry(key))
                    .put("max_keys", maxKeysPerTenant)
                    .put("by", by))
        .compose(
            reply -> {
              if ("key_limit".equals(reply.kind())) {
                throw keyLimit(tenant, reply.body());
              }
              reply.orThrow();
              return reply.replayed()
                  ? issued(tenant, reply, null)
                  : Future.succeededFuture(new IssuedKey(key, Optional.of(presented.reveal())));
            });
  }

  /**
   * One key more than the tenant may hold, or than a subtree the key's scope lies in may: a subtree
   * holds at most half of its parent's share, so an admin confined to it cannot take the rest of
   * the tenant's keys.
   */
  private GovernorException keyLimit(String tenant, JsonObject over) {
    String subtree = over.getString("subtree");
    long max = Long.parseLong(over.getString("max"));
    String holder =
        subtree.equals(tenant)
            ? "tenant " + tenant + " already holds " + max + " keys"
            : "the subtree "
                + subtree
                + " already holds "
                + max
                + " keys, its share of the tenant's "
                + maxKeysPerTenant
                + " (each subtree may hold half of its parent's share)";
    return new GovernorException(
        ErrorCode.KEY_LIMIT_REACHED,
        holder + "; revoke one",
        Map.of("max_keys", max, "subtree", subtree));
  }

  /** The key {@code id} of {@code tenant} if it exists and lies within {@code within}. */
  public Future<Optional<VirtualKey>> get(String tenant, String id, Scope within) {
    if (!VirtualKey.ID.matcher(id).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    return records.read(tenant, id).map(key -> key.filter(k -> k.scope().isWithin(within)));
  }

  /**
   * The keys whose scope lies within {@code within} and whose id sorts after {@code afterId} (all
   * if null), in id order, at most {@code limit}; see {@link KeyRecords#list}.
   */
  public Future<KeyPage> list(Scope within, String afterId, int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, "limit " + limit + " is outside 1.." + MAX_PAGE_SIZE);
    }
    if (afterId != null && !VirtualKey.ID.matcher(afterId).matches()) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "cursor is not a next_cursor of this listing",
          Map.of("field", "cursor"));
    }
    return records.list(within, afterId, limit);
  }

  /**
   * Gives the key a new secret, shown in the answer once; the old secret stops authenticating on
   * this node at once and on every other within the cache's ttl.
   *
   * @return a future failed with {@code KEY_NOT_FOUND} if there is no such key within {@code
   *     within}
   */
  public Future<IssuedKey> rotate(
      String tenant, String id, Scope within, IdempotencyKey idempotencyKey, String by) {
    requireId(id);
    PresentedKey presented = PresentedKey.generate(tenant, id);
    return change(
            ROTATE,
            tenant,
            id,
            within,
            idempotencyKey,
            by,
            "",
            args -> args.put("secret_hash", presented.hash()))
        .compose(reply -> issued(tenant, reply, presented));
  }

  /**
   * Revokes the key: it stops authenticating on this node at once and on every other within the
   * cache's ttl.
   *
   * @return a future failed with {@code KEY_NOT_FOUND} if there is no such key within {@code
   *     within} (a replay of a revocation that succeeded succeeds again)
   */
  public Future<Void> revoke(
      String tenant, String id, Scope within, IdempotencyKey idempotencyKey, String by) {
    requireId(id);
    return change(REVOKE, tenant, id, within, idempotencyKey, by, "", args -> {}).mapEmpty();
  }

  /**
   * Sets when the key stops authenticating: {@code at}, or now if null. A moment already past ends
   * it at once on this node and within the cache's ttl on every other; unlike a revocation, the key
   * stays readable (and counts against the tenant's limit) until it is revoked.
   *
   * @return the key with its new expiry; a future failed with {@code KEY_NOT_FOUND} if there is no
   *     such key within {@code within}
   */
  public Future<VirtualKey> expire(
      String tenant,
      String id,
      Scope within,
      Instant at,
      IdempotencyKey idempotencyKey,
      String by) {
    requireId(id);
    String millis = at == null ? "" : Long.toString(at.toEpochMilli());
    return change(
            EXPIRE,
            tenant,
            id,
            within,
            idempotencyKey,
            by,
            millis,
            args -> args.put("expires_at", millis))
        .compose(reply -> records.read(tenant, id))
        .map(key -> key.orElseThrow(() -> notFound(id)));
  }

  /**
   * Runs a script on the existing key {@code id} within {@code within}, with the arguments {@code
   * own} adds to its id, the subtree and who makes the change ({@code by}, for the ledger); fails
   * with {@code KEY_NOT_FOUND} if there is none. {@code detail} is what else defines the request
   * for its idempotency fingerprint (never a fresh secret's hash: a retry would conflict instead of
   * replaying).
   */
  private Future<ScriptReply> change(
      LuaScript script,
      String tenant,
      String id,
      Scope within,
      IdempotencyKey idempotencyKey,
      String by,
      String detail,
      Consumer<ScriptArgs.Values> own) {
    String subtree = Scope.subtreeArg(within);
    return scripts
        .run(
            tenant,
            script,
            idempotencyKey,
            Fingerprint.of(script.name(), tenant, id, subtree, detail),
            null,
            (args, now) -> own.accept(args.put("key_id", id).put("subtree", subtree).put("by", by)))
        .map(reply -> found(reply, id))
        .onSuccess(changed -> live.forget(tenant, id));
  }

  /**
   * True if {@code presented} has the form of a virtual key ({@code ifk_...}) rather than, say, a
   * JWT bearer token: which of the two a gateway should try. Says nothing about whether it is live.
   */
  public static boolean looksLikeKey(String presented) {
    return presented != null && presented.startsWith(PresentedKey.PREFIX);
  }

  /**
   * The key a client presented, if it is a live key: well formed, its record exists, the secret
   * matches (compared in constant time) and it has not expired. Anything else is empty, without
   * saying which: the caller answers every case alike. A malformed key costs no Redis call; a key
   * this node found live less than the cache's ttl ago costs none either; past the bound of {@link
   * KeyLookups}, a key it has not found live lately costs none and fails with 503 {@code
   * OVERLOADED}.
   */
  public Future<Optional<VirtualKey>> authenticate(String presentedKey) {
    Optional<PresentedKey> parsed = PresentedKey.parse(presentedKey);
    if (parsed.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    PresentedKey presented = parsed.get();
    String secretHash = presented.hash();
    Instant askedAt = scripts.clock().instant();
    Optional<VirtualKey> cached = live.get(secretHash, askedAt);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached);
    }
    boolean recognised = live.recognised(secretHash, askedAt);
    if (!recognised && !lookups.take()) {
      return Future.failedFuture(
          ApiException.retryAfter(
              com.infrafabric.platform.http.ErrorCode.OVERLOADED,
              "This node is turning away virtual keys it has not seen lately: too many unknown"
                  + " keys were presented. Retry shortly.",
              Duration.ofSeconds(1)));
    }
    return records
        .hash(presented.tenant(), presented.id())
        .map(
            hash ->
                hash.filter(h -> presented.matches(KeyRecords.field(h, "h")))
                    .map(h -> KeyRecords.key(presented.id(), h))
                    .filter(key -> !key.expiredAt(scripts.clock().instant())))
        .onSuccess(
            key -> {
              if (key.isEmpty()) {
                live.drop(secretHash);
                return;
              }
              live.put(secretHash, key.get(), askedAt);
              if (!recognised) {
                lookups.giveBack();
              }
            });
  }

  /** The secret hashes this node's cache holds keys under, for tests. */
  Set<String> cachedHashes() {
    return live.hashes();
  }

  /**
   * Admits one call of {@code key} that may be charged {@code callTokens} (its worst-case input and
   * output, as its reservation is priced): takes one request from the key's requests-per-minute
   * bucket and those tokens from its tokens-per-minute bucket, both shared by every node; {@link
   * #settle} gives back what the call was not charged. A call of more tokens than the whole
   * per-minute allowance is refused by the caller before it gets here. A refused call takes
   * nothing.
   *
   * @return the decision; when refused, {@code limitName} is {@code rpm} or {@code tpm} and {@code
   *     retryAfter} says when to try again; when allowed, {@code remaining} is the requests left
   */
  public Future<RateDecision> admit(VirtualKey key, long callTokens) {
    return limits.admit(key, callTokens);
  }

  /**
   * A refusal of the key's next request standing on this node, if any: a call the key's bucket
   * would refuse is turned away before its body is parsed, at no round trip.
   */
  public Optional<RateDecision> standingRefusal(VirtualKey key) {
    return limits.standing(key);
  }

  /**
   * Takes one request, and no tokens, from the key's requests-per-minute bucket, for a request of
   * the key's the gateway serves without a call: one it refused before admitting it (a body it
   * could not read, a model the key may not use), since reading and checking it was work the key
   * caused, and a read such as the model list. A flood of them spends the key's requests as calls
   * do, and, once they are spent, is turned away before its bodies are read ({@link
   * #standingRefusal}).
   */
  public Future<RateDecision> takeRequest(VirtualKey key) {
    return limits.takeRequest(key);
  }

  /**
   * Undoes an allowed {@link #admit} of a call that did not go ahead (its budget refused it, or it
   * repeats a call already made): the request and the call's tokens go back to the key's buckets.
   */
  public Future<Void> giveBack(VirtualKey key, long callTokens) {
    return limits.giveBack(key, callTokens);
  }

  /**
   * Replaces the tokens {@link #admit} took for a call by the tokens it was charged, in the key's
   * tokens-per-minute bucket: gives back what it did not use, or takes the difference (even below
   * zero, delaying the key's next calls) when it used more.
   */
  public Future<Void> settle(VirtualKey key, long callTokens, long actualTokens) {
    return limits.settle(key, callTokens, actualTokens);
  }

  /** The key after a create replay, rotate or its replay, with the secret if this call set it. */
  private Future<IssuedKey> issued(String tenant, ScriptReply reply, PresentedKey presented) {
    String id = reply.body().getString("id");
    Optional<String> secret =
        reply.replayed() || presented == null ? Optional.empty() : Optional.of(presented.reveal());
    return records
        .read(tenant, id)
        .map(key -> new IssuedKey(key.orElseThrow(() -> notFound(id)), secret));
  }

  private static ScriptReply found(ScriptReply reply, String id) {
    if ("key_not_found".equals(reply.kind())) {
      throw notFound(id);
    }
    if ("key_expired".equals(reply.kind())) {
      Instant at = Instant.ofEpochMilli(Long.parseLong(reply.payload()));
      throw new GovernorException(
          ErrorCode.KEY_EXPIRED,
          "key " + id + " expired at " + at + " and stays expired; revoke it and create another",
          Map.of("expired_at", at.toString()));
    }
    return reply.orThrow();
  }

  private static String fingerprint(VirtualKey key) {
    return Fingerprint.of(
        "key-create",
        key.scope(),
        new TreeSet<>(key.allowedModels()),
        key.requestsPerMinute(),
        key.tokensPerMinute(),
        new TreeMap<>(key.metadata()),
        KeyRecords.expiry(key));
  }

  private static void requireId(String id) {
    if (!VirtualKey.ID.matcher(id).matches()) {
      throw notFound(id.length() > 24 ? id.substring(0, 24) : id);
    }
  }

  /** The failure of an operation on a key that does not exist in the caller's subtree. */
  public static GovernorException notFound(String id) {
    return new GovernorException(
        ErrorCode.KEY_NOT_FOUND,
        "no virtual key " + printable(id) + " in the caller's subtree",
        Map.of("key_id", printable(id)));
  }

  private static String printable(String id) {
    return id.replaceAll("[^A-Za-z0-9_-]", "?");
  }

  private static LuaScript keyScript(String body, ScriptArgs args) {
    return TenantScripts.compose(
        VirtualKeys.class, "governor/keys/" + body, args, "governor/keys/key_lib");
  }
}
