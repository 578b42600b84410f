package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import io.vertx.core.json.JsonObject;

/**
 * Counts one streamed answer from its events as they pass: the usage the provider reported, and the
 * text it delivered, for when the stream ends before the provider's final count. Used by one stream
 * on one event loop; not thread-safe.
 */
interface StreamMeter {

  /**
   * Meters one event's {@code data}, parsed, and says whether the client sees it: false for an
   * event the gateway asked the provider for on its own account.
   */
  boolean event(JsonObject data);

  /**
   * What the stream cost so far: the provider's final count if it arrived, else what it reported
   * and what was delivered, the output counted at four characters a token (never below what the
   * provider reported), the input estimated if the provider did not say.
   */
  TokenUsage usage(long estimatedInputTokens);

  /** True once any output reached the client: a failure after it is charged, not released. */
  boolean delivered();

  /** Output tokens counted from delivered text, rounding up. */
  static long tokensOf(long characters) {
    return (characters + 3) / 4;
  }
}
