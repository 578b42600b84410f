package com.infrafabric.governor.gateway;

import com.infrafabric.llm.AnswerBody;
import com.infrafabric.llm.ProviderJson;
import com.infrafabric.llm.vault.Redactor;
import com.infrafabric.platform.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Pipes a provider's server-sent events to the client as they arrive, never holding the answer:
 * each chunk's complete lines are written on, and the provider is paused while the client's write
 * queue is full. The {@code data} of each event goes to the call's {@link StreamMeter} on the way,
 * which may withhold an event the gateway asked for and the client did not. The stream is bound in
 * bytes and in time; a client that goes away ends the provider's request. A stream the client
 * cannot have whole (the provider stopped before its last event, or a bound cut it) ends with an
 * error event of the client's dialect ({@link SseDialect}): a cleanly ended stream would be read by
 * an SDK as a whole answer.
 */
final class SseRelay {

  /** How a relayed stream ended. */
  enum Ended {
    /** The provider sent its last event and ended its answer; the client has all of it. */
    COMPLETED,
    /** The provider sent an error event, which the client got as it came. */
    PROVIDER_ERROR,
    /**
     * The provider's answer ended, or its connection failed, before its last event; the client was
     * sent an error event.
     */
    PROVIDER_CUT,
    /** The client closed the connection first; the provider's request was reset. */
    CLIENT_GONE,
    /** The answer exceeded the byte bound: the provider's request was reset, the client told. */
    TOO_LARGE,
    /** The stream outlasted the time bound: the provider's request was reset, the client told. */
    TOO_LONG,
    /**
     * The gateway shut down before the stream ended: the provider's request was reset, the client
     * told.
     */
    SHUT_DOWN
  }

  /**
   * A line longer than this cuts the stream as too large: no event of the formats comes close, and
   * a line is relayed only once it is read whole (metered, and the operator's key taken out).
   */
  private static final int MAX_LINE_BYTES = 1 << 20;

  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final Context context;
  private final AnswerBody upstream;
  private final HttpServerResponse client;
  private final StreamMeter meter;
  private final SseDialect dialect;
  private final long maxBytes;
  private final Redactor redactor;
  private final Promise<Ended> ended = Promise.promise();

  /** True once the provider sent its last event. */
  private boolean last;

  /** True once the provider sent an error event. */
  private boolean failed;

  /** The start of a line a chunk cut, null if none. */
  private Buffer partial;

  /** True once a line exceeded {@link #MAX_LINE_BYTES}. */
  private boolean overlong;

  /** True after a withheld event's {@code data:} line, until the blank line that ends it. */
  private boolean withheld;

  private long relayed;

  private SseRelay(
      Vertx vertx,
      AnswerBody upstream,
      HttpServerResponse client,
      StreamMeter meter,
      SseDialect dialect,
      long maxBytes,
      Redactor redactor) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.upstream = upstream;
    this.client = client;
    this.meter = meter;
    this.dialect = dialect;
    this.maxBytes = maxBytes;
    this.redactor = redactor;
  }

  /**
   * Relays {@code upstream} (opened and paused) to {@code client}, whose status and headers are
   * set, in {@code dialect}, with whatever {@code redactor} finds (the operator's key, should the
   * provider quote it) taken out of each line; completes when the stream ends, however it ends.
   * Held among {@code live} until then, so that a shutdown can cut it ({@link Ended#SHUT_DOWN}).
   * Runs on the client's event loop.
   */
  static Future<Ended> relay(
      Vertx vertx,
      AnswerBody upstream,
      HttpServerResponse client,
      StreamMeter meter,
      SseDialect dialect,
      long maxBytes,
      Duration maxDuration,
      Redactor redactor,
      LiveCalls live) {
    SseRelay relay = new SseRelay(vertx, upstream, client, meter, dialect, maxBytes, redactor);
    Future<Ended> ended = relay.start(maxDuration);
    live.add(relay::shutDown, ended);
    return ended;
  }

  /** Cuts the stream, from any thread, because the gateway is shutting down. */
  private void shutDown() {
    context.runOnContext(
        now -> cut(Ended.SHUT_DOWN, "the gateway is shutting down before the stream ended"));
  }

  private Future<Ended> start(Duration maxDuration) {
    long timer =
        vertx.setTimer(
            maxDuration.toMillis(),
            id ->
                cut(
                    Ended.TOO_LONG,
                    "the stream lasted longer than the "
                        + maxDuration.toSeconds()
                        + " s the gateway relays"));
    client.setChunked(true).putHeader("content-type", "text/event-stream");
    client.putHeader("cache-control", "no-cache");
    client.closeHandler(closed -> end(Ended.CLIENT_GONE, upstream::reset));
    upstream.handler(this::chunk);
    upstream.exceptionHandler(failure -> providerEnded());
    upstream.endHandler(done -> providerEnded());
    upstream.resume();
    return ended.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void chunk(Buffer chunk) {
    if (ended.future().isComplete()) {
      return;
    }
    relayed += chunk.length();
    if (relayed > maxBytes) {
      cut(Ended.TOO_LARGE, "the answer exceeds the " + maxBytes + " bytes the gateway relays");
      return;
    }
    Buffer kept = read(chunk);
    if (kept.length() > 0) {
      client.write(redactor.redact(kept));
    }
    if (overlong) {
      cut(
          Ended.TOO_LARGE,
          "a line of the answer exceeds the " + MAX_LINE_BYTES + " bytes the gateway reads");
      return;
    }
    if (client.writeQueueFull()) {
      upstream.pause();
      client.drainHandler(drained -> upstream.resume());
    }
  }

  /** A bound cut the stream ({@code how}, {@code why}): the provider stops, the client is told. */
  private void cut(Ended how, String why) {
    end(
        how,
        () -> {
          upstream.reset();
          fail(why);
        });
  }

  /**
   * The provider's answer ended, or its connection failed: after its last event or its error event
   * the client has the whole stream; before either, it was cut.
   */
  private void providerEnded() {
    if (failed) {
      end(Ended.PROVIDER_ERROR, this::finish);
    } else if (last) {
      end(Ended.COMPLETED, this::finish);
    } else {
      end(Ended.PROVIDER_CUT, () -> fail("the provider's stream ended before its last event"));
    }
  }

  /** The provider ended: a last line without its newline is passed on as it came. */
  private void finish() {
    if (partial != null) {
      client.write(redactor.redact(partial));
    }
    client.end();
  }

  /**
   * Ends the client's stream with the dialect's error event, saying {@code why}. A line held back
   * is dropped; a blank line first ends whatever event the client was sent, so the error is read as
   * an event of its own.
   */
  private void fail(String why) {
    ApiException error =
        ApiException.of(
            GatewayErrors.UPSTREAM_INVALID,
            "The stream is incomplete: "
                + why
                + ". The call is charged what the provider reported, and any part it did not at"
                + " its reserved bound.");
    client.end(Buffer.buffer("\n").appendBuffer(dialect.failure(error)));
  }

  /** Completes once; {@code action} runs only for the first way the stream ends. */
  private void end(Ended how, Runnable action) {
    if (ended.tryComplete(how)) {
      action.run();
    }
  }

  /**
   * Splits the relayed bytes into lines, meters each {@code data:} line's JSON and returns the
   * bytes the client is to see: every complete line but an event the meter withholds (with the
   * blank line that ends it). A line a chunk cuts is held until the next completes it; one too long
   * to read ends the reading ({@link #overlong}).
   */
  private Buffer read(Buffer chunk) {
    Buffer kept = Buffer.buffer(chunk.length() + lineLength());
    int start = 0;
    for (int i = 0; i < chunk.length() && !overlong; i++) {
      if (chunk.getByte(i) == '\n') {
        lineEnds(chunk, start, i, kept);
        start = i + 1;
      }
    }
    if (!overlong) {
      carry(chunk, start);
    }
    return kept;
  }

  /**
   * The line that began earlier (in {@link #partial}, if a chunk cut it) ends at {@code end}, where
   * {@code chunk} holds its {@code \n}; what the client sees of it goes to {@code kept}.
   */
  private void lineEnds(Buffer chunk, int start, int end, Buffer kept) {
    Buffer line =
        partial == null ? chunk.slice(start, end) : partial.appendBuffer(chunk, start, end - start);
    partial = null;
    if (line.length() > MAX_LINE_BYTES) {
      overlong = true;
      return;
    }
    boolean blank = line.length() == 0 || (line.length() == 1 && line.getByte(0) == '\r');
    if (withheld && blank) {
      withheld = false;
      return;
    }
    withheld = !data(line);
    if (!withheld) {
      kept.appendBuffer(line).appendByte((byte) '\n');
    }
  }

  /** Holds the start of a line the chunk ends in, unless the line is already too long to read. */
  private void carry(Buffer chunk, int start) {
    if (start == chunk.length()) {
      return;
    }
    if (lineLength() + chunk.length() - start > MAX_LINE_BYTES) {
      overlong = true;
      partial = null;
      return;
    }
    partial =
        partial == null
            ? chunk.getBuffer(start, chunk.length())
            : partial.appendBuffer(chunk, start, chunk.length() - start);
  }

  private int lineLength() {
    return partial == null ? 0 : partial.length();
  }

  /**
   * Meters the JSON of a {@code data:} line (without its {@code \n}) and says whether the client
   * sees it: any other line, and any line that is not an event of the format, it does. Read from
   * the bytes as they came; should they not read as an object there (not UTF-8, or padded with
   * Unicode whitespace), the line is read as text, as a client reading it would.
   */
  private boolean data(Buffer line) {
    int end = line.length();
    if (end > 0 && line.getByte(end - 1) == '\r') {
      end--;
    }
    if (!holds(line, 0, Math.min(end, DATA.length), DATA)) {
      return true;
    }
    int from = DATA.length;
    while (from < end && isAsciiSpace(line.getByte(from))) {
      from++;
    }
    while (end > from && isAsciiSpace(line.getByte(end - 1))) {
      end--;
    }
    if (holds(line, from, end, DONE)) {
      last = true;
      return true;
    }
    if (from == end) {
      return true;
    }
    ProviderJson.Decoded event;
    try {
      event = ProviderJson.object(line.slice(from, end));
    } catch (DecodeException | ClassCastException notAsBytes) {
      return data(line.toString(StandardCharsets.UTF_8));
    }
    return meter(event);
  }

  private boolean data(String text) {
    String trimmed = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    String data = trimmed.substring(DATA.length).strip();
    if (data.equals("[DONE]")) {
      last = true;
      return true;
    }
    if (data.isEmpty()) {
      return true;
    }
    try {
      return meter(ProviderJson.object(Buffer.buffer(data)));
    } catch (DecodeException | ClassCastException notAnEvent) {
      // Not JSON: relayed as it came, nothing to count in it.
      return true;
    }
  }

  /** Meters one event; one that repeats a member name makes its usage, if any, unreadable. */
  private boolean meter(ProviderJson.Decoded decoded) {
    JsonObject event = decoded.object();
    last |= dialect.last(event);
    failed |= dialect.error(event);
    if (decoded.repeatsNames()) {
      meter.unreadable();
    }
    return meter.event(event);
  }

  /** True if {@code line}'s bytes from {@code from} to {@code end} are {@code expected}. */
  private static boolean holds(Buffer line, int from, int end, byte[] expected) {
    if (end - from != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (line.getByte(from + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** The ASCII characters {@link String#strip} removes. */
  private static boolean isAsciiSpace(byte b) {
    return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
  }
}
