package com.infrafabric.chassis.internal.credential;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The credentials hash in Redis, one field per credential name. One key for all credentials keeps
 * listing a single read and puts it on one Redis Cluster slot; credentials are few and small.
 */
final class SealedCredentials {

  static final String KEY = "{chassis:credentials}";

  private static final LuaScript SWAP =
      LuaScript.fromResource(SealedCredentials.class, "chassis_credential_swap");

  private final RedisStore redis;

  SealedCredentials(RedisStore redis) {
    this.redis = redis;
  }

  Future<Void> put(String name, StoredCredential credential) {
    return redis
        .send(Request.cmd(Command.HSET).arg(KEY).arg(name).arg(credential.encode()))
        .mapEmpty();
  }

  Future<Boolean> delete(String name) {
    return redis
        .send(Request.cmd(Command.HDEL).arg(KEY).arg(name))
        .map(reply -> reply.toInteger() == 1);
  }

  Future<Optional<StoredCredential>> get(String name) {
    return redis
        .send(Request.cmd(Command.HGET).arg(KEY).arg(name))
        .map(
            reply ->
                Optional.ofNullable(reply).map(r -> StoredCredential.decode(name, r.toString())));
  }

  /** Every credential by name, in name order. */
  Future<TreeMap<String, StoredCredential>> all() {
    return redis.send(Request.cmd(Command.HGETALL).arg(KEY)).map(SealedCredentials::byName);
  }

  /** Replaces {@code name} only if it still holds {@code read}; true if it did. */
  Future<Boolean> swap(String name, StoredCredential read, StoredCredential replacement) {
    return redis
        .eval(SWAP, List.of(KEY), List.of(name, read.encode(), replacement.encode()))
        .map(reply -> reply.toInteger() == 1);
  }

  private static TreeMap<String, StoredCredential> byName(Response reply) {
    TreeMap<String, StoredCredential> credentials = new TreeMap<>();
    for (String name : reply.getKeys()) {
      credentials.put(name, StoredCredential.decode(name, reply.get(name).toString()));
    }
    return credentials;
  }
}
