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
 * The credentials hash in Redis, one field per credential ({@link CredentialId#field()}). One key
 * for all credentials keeps listing a single read and puts it on one Redis Cluster slot;
 * credentials are few and small.
 */
public final class SealedCredentials {

  public static final String KEY = "{chassis:credentials}";

  public static final LuaScript SWAP =
      LuaScript.fromResource(
          SealedCredentials.class,
          "llm/vault/llm_vault_swap",
          ScriptArgs.of("field", "read", "replacement"));

  private final RedisStore redis;

  public SealedCredentials(RedisStore redis) {
    this.redis = redis;
  }

  public Future<Void> put(CredentialId id, StoredCredential credential) {
    return redis
        .send(KEY, Request.cmd(Command.HSET).arg(KEY).arg(id.field()).arg(credential.encode()))
        .mapEmpty();
  }

  public Future<Boolean> delete(CredentialId id) {
    return redis
        .send(KEY, Request.cmd(Command.HDEL).arg(KEY).arg(id.field()))
        .map(reply -> reply.toInteger() == 1);
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

  /** Every field and stored value, in field order: the fields this vault did not write too. */
  public Future<TreeMap<String, String>> all() {
    return redis.send(KEY, Request.cmd(Command.HGETALL).arg(KEY)).map(SealedCredentials::byField);
  }

  /** Replaces {@code id} only if it still holds {@code read}; true if it did. */
  public Future<Boolean> swap(CredentialId id, String read, StoredCredential replacement) {
    return redis
        .eval(
            SWAP,
            List.of(KEY),
            SWAP.args()
                .values()
                .put("field", id.field())
                .put("read", read)
                .put("replacement", replacement.encode())
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
