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
import java.time.Duration;

/**
 * Pipes a provider's server-sent events to the client as they arrive, never holding the answer:
 * each chunk is read into events as the SSE standard (and the SDKs) read them ({@link
 * SseEventReader}), each event is judged as the client's SDK would read it ({@link SseDialect}),
 * its data metered by the call's {@link StreamMeter} (which may withhold an event the gateway asked
 * for and the client did not), and it is written on in canonical framing ({@link
 * SseEvent#encoded}); the provider is paused while the client's write queue is full. So what is
 * metered is exactly what the client's SDK reads: the provider's framing (two {@code data:} lines
 * in one event, CR line ends) cannot make the two differ. The stream is bound in bytes and in time,
 * and an event in size; a client that goes away ends the provider's request. A stream the client
 * cannot have whole (the provider stopped before its last event, sent an event the SDK cannot read,
 * or a bound cut it) ends with an error event of the client's dialect: a cleanly ended stream would
 * be read by an SDK as a whole answer. That event is never sent after the provider's last event,
 * which the SDK would stop at.
 */
final class SseRelay {

  /** How a relayed stream ended. */
  enum Ended {
    /** The provider sent its last event; the client has all of it. */
    COMPLETED,
    /** The provider sent an error event, which the client got as it came. */
    PROVIDER_ERROR,
    /**
     * The provider's answer ended, or its connection failed, before its last event; the client was
     * sent an error event.
     */
    PROVIDER_CUT,
    /**
     * The provider sent an event the client's SDK cannot read (data that is not the format's JSON):
     * its request was reset, and the client was sent an error event instead of that event.
     */
    INVALID,
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
   * An event larger than this (its line being read and its data so far) cuts the stream as too
   * large: no event of the formats comes close, and an event is relayed only once it is read whole
   * (metered, and the operator's key taken out). The answer's own byte bound holds it smaller still
   * when it is smaller.
   */
  static final int MAX_EVENT_BYTES = 1 << 20;

  /**
   * How long a provider may take to end its answer after its last or error event, once the client's
   * stream has ended: one that ends within it keeps its connection for the next call; one that
   * keeps it open longer (or goes on sending) has its request reset, so no connection or share of
   * the provider's is held by an answer that is over.
   */
  static final Duration PROVIDER_END_GRACE = Duration.ofSeconds(1);

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

  /** True once the provider's answer ended or its connection failed. */
  private boolean providerDone;

  private final SseEventReader reader = new SseEventReader(MAX_EVENT_BYTES);

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
    reader.read(chunk).forEach(this::relay);
    if (reader.overlong()) {
      cut(
          Ended.TOO_LARGE,
          "an event of the answer exceeds the " + MAX_EVENT_BYTES + " bytes the gateway reads");
      return;
    }
    if (!ended.future().isComplete() && client.writeQueueFull()) {
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
    providerDone = true;
    if (failed) {
      end(Ended.PROVIDER_ERROR, this::finish);
    } else if (last) {
      end(Ended.COMPLETED, this::finish);
    } else {
      end(Ended.PROVIDER_CUT, () -> fail("the provider's stream ended before its last event"));
    }
  }

  /**
   * The provider sent its last or error event, or ended after it: the client's stream ends now,
   * whatever the provider sends after (the SDK reads nothing after that event; an event never ended
   * with a blank line is no event). A provider that has not ended its answer {@link
   * #PROVIDER_END_GRACE} later has its request reset; what it sends meanwhile is read and dropped.
   */
  private void finish() {
    client.end();
    if (!providerDone) {
      vertx.setTimer(
          PROVIDER_END_GRACE.toMillis(),
          id -> {
            if (!providerDone) {
              upstream.reset();
            }
          });
    }
  }

  /**
   * Ends the client's stream with the dialect's error event, saying {@code why}; an event held back
   * (not read whole) is dropped. After the provider's last event the client has the whole answer,
   * and an error event would come after the end the SDK stops at: the stream just ends.
   */
  private void fail(String why) {
    if (last) {
      client.end();
      return;
    }
    ApiException error =
        ApiException.of(
            GatewayErrors.UPSTREAM_INVALID,
            "The stream is incomplete: "
                + why
                + ". The call is charged what the provider reported, and any part it did not at"
                + " its reserved bound.");
    client.end(dialect.failure(error));
  }

  /** Completes once; {@code action} runs only for the first way the stream ends. */
  private void end(Ended how, Runnable action) {
    if (ended.tryComplete(how)) {
      action.run();
    }
  }

  /**
   * Relays {@code event} as the dialect's SDK reads it ({@link SseDialect#read}): its content
   * metered, and written in canonical framing unless the meter holds it; an event the SDK cannot
   * read ends the stream as invalid. The provider's last or error event ends the client's stream
   * and settles the call at once, without waiting for the provider to end its answer: nothing after
   * it is metered or relayed, since the SDK reads nothing after it either.
   */
  private void relay(SseEvent event) {
    if (last || failed || ended.future().isComplete()) {
      return;
    }
    SseDialect.Read read = dialect.read(event);
    if (read instanceof SseDialect.Read.Invalid invalid) {
      cut(Ended.INVALID, invalid.why());
      return;
    }
    if (read instanceof SseDialect.Read.Content content && !meter(content.data())) {
      return;
    }
    if (read instanceof SseDialect.Read.Last end) {
      end.data().ifPresent(this::meter);
      last = true;
    } else if (read instanceof SseDialect.Read.Failed error) {
      error.data().ifPresent(this::meter);
      failed = true;
    }
    write(event);
    if (last) {
      end(Ended.COMPLETED, this::finish);
    } else if (failed) {
      end(Ended.PROVIDER_ERROR, this::finish);
    }
  }

  private void write(SseEvent event) {
    client.write(redactor.redact(event.encoded()));
  }

  /** Meters one event; one that repeats a member name makes its usage, if any, unreadable. */
  private boolean meter(ProviderJson.Decoded decoded) {
    if (decoded.repeatsNames()) {
      meter.unreadable();
    }
    return meter.event(decoded.object());
  }
}
