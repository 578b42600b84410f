package com.infrafabric.chassis.internal.contract;

import com.infrafabric.platform.http.StrictJson;
import com.nimbusds.jose.JWSObject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * What a signed contract says, apart from its signature: the SHA-256 of its payload as JSON with
 * every object's members in name order, no whitespace and its numbers exactly as written. ES256
 * signatures differ at every signing, so the same contract signed again (after a key rotation, say)
 * is a different JWS with the same terms; any changed value gives other terms.
 */
public final class ContractTerms {

  private ContractTerms() {}

  /**
   * The terms of {@code jws}, a contract {@link ContractVerifier} has verified.
   *
   * @throws IllegalArgumentException if it is not a compact JWS with a JSON object payload
   */
  public static String of(String jws) {
    Object payload;
    try {
      payload = StrictJson.parse(JWSObject.parse(jws.strip()).getPayload().toBytes());
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a compact JWS", e);
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] canonical = String.valueOf(sorted(payload)).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(sha256.digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The value with every object's members in name order, at every depth. */
  private static Object sorted(Object value) {
    if (value instanceof JsonObject object) {
      TreeMap<String, Object> members = new TreeMap<>();
      object.forEach(member -> members.put(member.getKey(), sorted(member.getValue())));
      return new JsonObject(members);
    }
    if (value instanceof JsonArray array) {
      JsonArray items = new JsonArray();
      array.forEach(item -> items.add(sorted(item)));
      return items;
    }
    return value;
  }
}
