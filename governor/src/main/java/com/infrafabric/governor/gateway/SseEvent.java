package com.infrafabric.governor.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * One server-sent event as the WHATWG HTML standard dispatches it: its {@code event} field (null if
 * it had none) and its data, the values of its {@code data} lines joined with {@code \n}. It is
 * what the official SDKs read of a stream, so it is what the gateway meters and what it relays
 * ({@link #encoded}); the {@code id} and {@code retry} fields are not kept, since a gateway call is
 * never resumed from an event.
 *
 * @param type the {@code event} field's value; null if the event had none
 * @param data the event's data, never null
 */
record SseEvent(String type, String data) {

  /**
   * The event in canonical framing: an {@code event:} line if it has a type, one {@code data:} line
   * per line of its data, and the blank line that dispatches it, every line ended by {@code \n}.
   * Read by {@link SseEventReader} (or any reader that follows the standard) it is this event.
   */
  Buffer encoded() {
    Buffer encoded = Buffer.buffer(data.length() + 32);
    if (type != null) {
      encoded.appendString("event: ").appendString(type).appendString("\n");
    }
    for (String line : data.split("\n", -1)) {
      encoded.appendString("data: ").appendString(line).appendString("\n");
    }
    return encoded.appendString("\n");
  }
}
