package com.infrafabric.governor.gateway;

import com.infrafabric.llm.AnswerBody;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Pipes a provider's server-sent events to the client as they arrive, never holding the answer:
 * each chunk is written on, and the provider is paused while the client's write queue is full. The
 * {@code data} of each event goes to the call's {@link StreamMeter} on the way. The stream is bound
 * in bytes and in time; a client that goes away ends the provider's request.
 */
final class SseRelay {

  /** How a relayed stream ended. */
  enum Ended {
    /** The provider ended its answer and the client has all of it. */
    COMPLETED,
    /** The client closed the connection first; the provider's request was reset. */
    CLIENT_GONE,
    /** The provider's connection failed mid-answer; the client's was reset. */
    UPSTREAM_FAILED,
    /** The answer exceeded the byte or time bound; both sides were reset. */
    CUT
  }

  /** A line longer than this is relayed but not read: no event of the formats comes close. */
  private static final int MAX_LINE_BYTES = 1 << 20;

  private final Vertx vertx;
  private final AnswerBody upstream;
  private final HttpServerResponse client;
  private final StreamMeter meter;
  private final long maxBytes;
  private final Promise<Ended> ended = Promise.promise();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean skipping;
  private long relayed;

  private SseRelay(
      Vertx vertx,
      AnswerBody upstream,
      HttpServerResponse client,
      StreamMeter meter,
      long maxBytes) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.client = client;
    this.meter = meter;
    this.maxBytes = maxBytes;
  }

  /**
   * Relays {@code upstream} (opened and paused) to {@code client}, whose status and headers are
   * set; completes when the stream ends, however it ends. Runs on the client's event loop.
   */
  static Future<Ended> relay(
      Vertx vertx,
      AnswerBody upstream,
      HttpServerResponse client,
      StreamMeter meter,
      long maxBytes,
      Duration maxDuration) {
    return new SseRelay(vertx, upstream, client, meter, maxBytes).start(maxDuration);
  }

  private Future<Ended> start(Duration maxDuration) {
    long timer = vertx.setTimer(maxDuration.toMillis(), id -> cut());
    client.setChunked(true).putHeader("content-type", "text/event-stream");
    client.putHeader("cache-control", "no-cache");
    client.closeHandler(closed -> end(Ended.CLIENT_GONE, upstream::reset));
    upstream.handler(this::chunk);
    upstream.exceptionHandler(failure -> end(Ended.UPSTREAM_FAILED, client::reset));
    upstream.endHandler(done -> end(Ended.COMPLETED, client::end));
    upstream.resume();
    return ended.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void chunk(Buffer chunk) {
    if (ended.future().isComplete()) {
      return;
    }
    relayed += chunk.length();
    if (relayed > maxBytes) {
      cut();
      return;
    }
    client.write(chunk);
    read(chunk);
    if (client.writeQueueFull()) {
      upstream.pause();
      client.drainHandler(drained -> upstream.resume());
    }
  }

  private void cut() {
    end(
        Ended.CUT,
        () -> {
          upstream.reset();
          client.reset();
        });
  }

  /** Completes once; {@code action} runs only for the first way the stream ends. */
  private void end(Ended how, Runnable action) {
    if (ended.tryComplete(how)) {
      action.run();
    }
  }

  /** Splits the relayed bytes into lines and meters each {@code data:} line's JSON. */
  private void read(Buffer chunk) {
    for (int i = 0; i < chunk.length(); i++) {
      byte b = chunk.getByte(i);
      if (b == '\n') {
        if (!skipping) {
          data(line.toString(StandardCharsets.UTF_8));
        }
        line.reset();
        skipping = false;
      } else if (!skipping) {
        line.write(b);
        if (line.size() > MAX_LINE_BYTES) {
          skipping = true;
          line.reset();
        }
      }
    }
  }

  private void data(String text) {
    String trimmed = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    if (!trimmed.startsWith("data:")) {
      return;
    }
    String data = trimmed.substring(5).strip();
    if (data.isEmpty() || data.equals("[DONE]")) {
      return;
    }
    try {
      meter.event(new JsonObject(data));
    } catch (DecodeException | ClassCastException notAnEvent) {
      // Not JSON: relayed as it came, nothing to count in it.
    }
  }
}
