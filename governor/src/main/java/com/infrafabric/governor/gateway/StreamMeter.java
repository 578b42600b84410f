package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import io.vertx.core.json.JsonObject;

/**
 * Counts one streamed answer from its events as they pass: the usage the provider reported, in
 * whole or in part, and whether output came after it, for when the stream ends before the
 * provider's final count. Used by one stream on one event loop; not thread-safe.
 */
interface StreamMeter {

  /**
   * Meters one event's {@code data}, parsed, and says whether the client sees it: false for an
   * event the gateway asked the provider for on its own account. Never throws, whatever the
   * provider sent: an event that is not of the format counts nothing, and a usage that cannot be
   * read is no report ({@link Usages#read}), so every stream ends in its settlement.
   */
  boolean event(JsonObject data);

  /**
   * An event repeated a member name: decoded, its last copy won, so a usage it carries cannot be
   * read ({@link com.infrafabric.llm.ProviderJson}): every part of the stream is charged at its
   * bound, whatever else was reported ({@link StreamUsage}).
   */
  void unreadable();

  /**
   * What the stream is charged however it ended: the provider's final count if it arrived, else
   * each part it reported and every other part at {@code bound} ({@link Charge#partly}); the output
   * is reported only by a count after the last of it, in a stream that completed ({@link
   * StreamUsage}).
   *
   * @param bound the call's reserved worst case
   * @param completed true if the provider sent its last event and ended its answer ({@link
   *     SseRelay.Ended#COMPLETED})
   */
  Charge charge(TokenUsage bound, boolean completed);
}
