package com.infrafabric.llm.vault;

import io.vertx.core.json.JsonObject;
import java.util.OptionalInt;

/**
 * A {@link ResponsePolicy} in the vault's records, sealed and plain: {@code response} and, for
 * {@code status-only}, {@code max_requests}. A record written before policies existed reads as
 * {@code full}.
 */
public final class PolicyJson {

  private PolicyJson() {}

  public static JsonObject put(JsonObject json, ResponsePolicy policy) {
    json.put("response", policy.wireName());
    if (policy instanceof ResponsePolicy.StatusOnly statusOnly) {
      json.put("max_requests", statusOnly.maxRequests());
    }
    return json;
  }

  public static ResponsePolicy read(JsonObject json) {
    Integer max = json.getInteger("max_requests");
    return ResponsePolicy.parse(
        json.getString("response", "full"),
        max == null ? OptionalInt.empty() : OptionalInt.of(max));
  }
}
