package com.infrafabric.llm;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The body of a provider's answer as it arrives, handed over paused: a complete JSON answer or a
 * stream of server-sent events, in the provider's own format. The reader consumes it to its end or
 * gives it up with {@link #reset()}. Read on the event loop it was handed over on.
 */
public interface AnswerBody extends ReadStream<Buffer> {

  /** Gives the answer up: the provider stops sending and no more of it is delivered. */
  void reset();
}
