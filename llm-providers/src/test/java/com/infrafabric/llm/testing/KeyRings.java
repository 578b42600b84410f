package com.infrafabric.llm.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Master key set texts as an operator edits them. */
public final class KeyRings {

  private KeyRings() {}

  /** {@code newest}'s keys first, then the keys of {@code older}: how an operator rotates. */
  public static String rotate(String newest, String older) {
    JsonArray keys = new JsonObject(newest).getJsonArray("keys").copy();
    new JsonObject(older).getJsonArray("keys").forEach(keys::add);
    return new JsonObject().put("keys", keys).encode();
  }
}
