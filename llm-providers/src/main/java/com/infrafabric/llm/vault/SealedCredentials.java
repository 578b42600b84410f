package com.infrafabric.llm.vault;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The credentials hash in Redis, one field per credential ({@link CredentialId#field()}), and its
 * generation, which every change moves on in the same script ({@link #CHANGE}), so a node that read
 * the hash at one generation knows with one read whether what it read still stands. One key for all
 * credentials keeps listing a single read and puts it on one Redis Cluster slot; credentials are
 * few and small.
 */
public final class SealedCredentials {

  public static final String KEY = "{chassis:credentials}";

  /** The generation of {@link #KEY}: absent until the first change. */
  public static final String GENERATION = "{chassis:credentials}:generation";

  public static final LuaScript CHANGE =
      LuaScript.fromResource(
          SealedCredentials.class,
          "llm/vault/llm_vault_change",
          ScriptArgs.of("op", "field", "read", "value"));

  private final RedisStore redis;

  public SealedCredentials(RedisStore redis) {
    this.redis = redis;
  }

  public Future<Void> put(CredentialId id, StoredCredential credential) {
    return change("put", id, "", credential.encode()).mapEmpty();
  }

  public Future<Boolean> delete(CredentialId id) {
    return change("delete", id, "", "");
  }

  public Future<Optional<StoredCredential>> get(CredentialId id) {
    return encoded(id).map(stored -> stored.map(json -> StoredCredential.decode(id, json)));
  }

  /**
   * The stored value of {@code id} as Redis holds it ({@link StoredCredential#encode()}), not yet
   * decoded: equal values decode to equal credentials, so a reader may keep what it made of one.
   */
  public Future<Optional<String>> encoded(CredentialId id) {
    return redis
        .send(KEY, Request.cmd(Command.HGET).arg(KEY).arg(id.field()))
        .map(reply -> Optional.ofNullable(reply).map(Object::toString));
  }

  /** The hash's generation; empty before its first change. */
  public Future<String> generation() {
    return redis
        .send(KEY, Request.cmd(Command.GET).arg(GENERATION))
        .map(reply -> reply == null ? "" : reply.toString());
  }

  /** Every field and stored value, in field order: the fields this vault did not write too. */
  public Future<TreeMap<String, String>> all() {
    return redis.send(KEY, Request.cmd(Command.HGETALL).arg(KEY)).map(SealedCredentials::byField);
  }

  /** Replaces {@code id} only if it still holds {@code read}; true if it did. */
  public Future<Boolean> swap(CredentialId id, String read, StoredCredential replacement) {
    return change("swap", id, read, replacement.encode());
  }

  /** Runs {@link #CHANGE}; true if the hash changed. */
  private Future<Boolean> change(String op, CredentialId id, String read, String value) {
    return redis
        .eval(
            CHANGE,
            List.of(KEY, GENERATION),
            CHANGE
                .args()
                .values()
                .put("op", op)
                .put("field", id.field())
                .put("read", read)
                .put("value", value)
                .list())
        .map(reply -> reply.toInteger() == 1);
  }

  private static TreeMap<String, String> byField(Response reply) {
    TreeMap<String, String> fields = new TreeMap<>();
    for (String field : reply.getKeys()) {
      fields.put(field, reply.get(field).toString());
    }
    return fields;
  }
}
