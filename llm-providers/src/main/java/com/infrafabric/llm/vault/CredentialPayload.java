package com.infrafabric.llm.vault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What is sealed for one credential: the secret and everything that decides where it may go and
 * what a tool may read back, so that only sealed, authenticated fields steer an injection.
 *
 * @param secret the secret
 * @param allow allowed origins, as the operator wrote them
 * @param header lowercase header name
 * @param scheme the value's prefix, empty for none
 * @param response what a tool may read of the allowed origins' answers
 */
public record CredentialPayload(
    String secret, List<String> allow, String header, String scheme, ResponsePolicy response) {

  public CredentialPayload {
    allow = List.copyOf(allow);
  }

  public byte[] encode() {
    JsonObject json =
        new JsonObject()
            .put("secret", secret)
            .put("allow", new JsonArray(allow))
            .put("header", header)
            .put("scheme", scheme);
    return PolicyJson.put(json, response).encode().getBytes(StandardCharsets.UTF_8);
  }

  public static CredentialPayload decode(byte[] bytes) {
    JsonObject object = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    return new CredentialPayload(
        object.getString("secret"),
        object.getJsonArray("allow").stream().map(String.class::cast).toList(),
        object.getString("header"),
        object.getString("scheme"),
        PolicyJson.read(object));
  }

  /** The header value the host sends. */
  public String headerValue() {
    return scheme.isEmpty() ? secret : scheme + ' ' + secret;
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "CredentialPayload[allow=" + allow + ", header=" + header + ", secret=<redacted>]";
  }
}
