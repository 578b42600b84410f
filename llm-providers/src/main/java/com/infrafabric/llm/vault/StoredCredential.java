package com.infrafabric.llm.vault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One credential as Redis holds it: the sealed value, and a plain copy of its non-secret fields so
 * the vault can list credentials without opening them. Injection reads the sealed copy only, so
 * altering the plain fields in Redis cannot widen where a secret goes or what a tool reads back.
 *
 * @param sealed compact JWE of {@link CredentialPayload}, bound to the credential's {@link
 *     CredentialId}
 * @param info the non-secret fields
 */
public record StoredCredential(String sealed, CredentialInfo info) {

  public String encode() {
    JsonObject json =
        new JsonObject()
            .put("sealed", sealed)
            .put("allow", new JsonArray(info.allow()))
            .put("header", info.header())
            .put("scheme", info.scheme())
            .put("kid", info.keyId())
            .put("updatedAt", info.updatedAt().toString());
    return PolicyJson.put(json, info.response()).encode();
  }

  public static StoredCredential decode(CredentialId id, String json) {
    JsonObject object = new JsonObject(json);
    List<String> allow = object.getJsonArray("allow").stream().map(String.class::cast).toList();
    return new StoredCredential(
        object.getString("sealed"),
        new CredentialInfo(
            id.owner(),
            id.name(),
            allow,
            object.getString("header"),
            object.getString("scheme"),
            PolicyJson.read(object),
            object.getString("kid"),
            Instant.parse(object.getString("updatedAt"))));
  }
}
