package com.infrafabric.governor.keys;

import com.infrafabric.governor.tenant.Scope;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a key is written in its Redis hash ({@code gov:{tenant}:k:<id>}, see key_create.lua) and read
 * back: models comma-joined (a model name has no comma), metadata as a JSON object, expiry in epoch
 * milliseconds or empty, and {@code h}, the hash of the secret, which is never read into a key.
 */
final class KeyRecords {

  private KeyRecords() {}

  static String models(VirtualKey key) {
    return String.join(",", new TreeSet<>(key.allowedModels()));
  }

  static String metadata(VirtualKey key) {
    return new JsonObject(new HashMap<>(key.metadata())).encode();
  }

  static String expiry(VirtualKey key) {
    return key.expiresAt() == null ? "" : Long.toString(key.expiresAt().toEpochMilli());
  }

  /** The key stored in {@code hash} under {@code id}; the hash must not be empty. */
  static VirtualKey read(String id, Response hash) {
    String exp = field(hash, "exp");
    Map<String, String> metadata = new HashMap<>();
    new JsonObject(field(hash, "meta"))
        .forEach(entry -> metadata.put(entry.getKey(), String.valueOf(entry.getValue())));
    return new VirtualKey(
        id,
        Scope.parse(field(hash, "scope")),
        Set.copyOf(List.of(field(hash, "models").split(","))),
        Long.parseLong(field(hash, "rpm")),
        Long.parseLong(field(hash, "tpm")),
        metadata,
        exp.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(exp)));
  }

  static String field(Response hash, String name) {
    Response value = hash.get(name);
    return value == null ? "" : value.toString();
  }
}
