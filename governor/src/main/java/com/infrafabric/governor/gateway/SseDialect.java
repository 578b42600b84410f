package com.infrafabric.governor.gateway;

import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderJson;
import com.infrafabric.platform.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import java.util.Optional;

/**
 * What one API's official SDK makes of each server-sent event of a stream ({@link #read}), and the
 * event the gateway sends when it ends a stream the provider did not finish, so that the SDKs
 * raise, as they do on the provider's own error event, instead of taking a cut answer for a whole
 * one. The gateway meters exactly what the SDK reads: an event the SDK would fail to read is an
 * invalid answer, never relayed. Stateless.
 *
 * <p>The OpenAI SDK ignores the event's type: data starting {@code [DONE]} ends the stream, any
 * other must be a JSON object, and one with an {@code error} member (even {@code null}) raises. The
 * Anthropic SDK skips an event without a type, a {@code ping} and one without data, raises on an
 * {@code error} event, and reads every other event's data as a JSON object.
 */
enum SseDialect {
  OPENAI {
    @Override
    Read read(SseEvent event) {
      if (event.data().equals("[DONE]")) {
        return new Read.Last(Optional.empty());
      }
      if (event.data().startsWith("[DONE]")) {
        return new Read.Invalid("the provider sent an end of stream other than [DONE]");
      }
      Optional<ProviderJson.Decoded> data = json(event.data());
      if (data.isEmpty()) {
        return new Read.Invalid("the provider sent an event whose data is not a JSON object");
      }
      return data.get().object().containsKey("error")
          ? new Read.Failed(data)
          : new Read.Content(data.get());
    }

    @Override
    Buffer failure(ApiException error) {
      return new SseEvent(null, GatewayErrors.openAi(error, null).body().encode()).encoded();
    }
  },

  ANTHROPIC {
    @Override
    Read read(SseEvent event) {
      if ("error".equals(event.type())) {
        return new Read.Failed(json(event.data()));
      }
      if (event.type() == null || event.type().equals("ping") || event.data().isEmpty()) {
        return new Read.Skipped();
      }
      Optional<ProviderJson.Decoded> data = json(event.data());
      if (data.isEmpty()) {
        return new Read.Invalid(
            "the provider sent a " + event.type() + " event whose data is not a JSON object");
      }
      Object type = data.get().object().getValue("type");
      if ("error".equals(type)) {
        return new Read.Failed(data);
      }
      return "message_stop".equals(type) ? new Read.Last(data) : new Read.Content(data.get());
    }

    @Override
    Buffer failure(ApiException error) {
      return new SseEvent("error", GatewayErrors.anthropic(error, null).body().encode()).encoded();
    }
  };

  /** What the SDK makes of one event. */
  sealed interface Read {

    /** Part of the answer, read as {@code data}: metered, and relayed unless the meter holds it. */
    record Content(ProviderJson.Decoded data) implements Read {}

    /** The provider's last event (its data, if it has any to meter): the answer is whole. */
    record Last(Optional<ProviderJson.Decoded> data) implements Read {}

    /** The provider's error event (its data, if JSON): relayed; the SDK raises it. */
    record Failed(Optional<ProviderJson.Decoded> data) implements Read {}

    /** An event the SDK skips: relayed, and nothing in it is metered. */
    record Skipped() implements Read {}

    /** An event the SDK would fail to read ({@code why}): the answer is invalid from there. */
    record Invalid(String why) implements Read {}
  }

  /** The dialect of the streams a wire of {@code format} relays. */
  static SseDialect of(ProviderFormat format) {
    return format == ProviderFormat.ANTHROPIC ? ANTHROPIC : OPENAI;
  }

  /** What this dialect's SDK makes of {@code event}. */
  abstract Read read(SseEvent event);

  /**
   * The event that tells the client, in this dialect, that its stream failed with {@code error}.
   */
  abstract Buffer failure(ApiException error);

  /** {@code data} as the one JSON object it must be; empty if it is not one. */
  private static Optional<ProviderJson.Decoded> json(String data) {
    if (data.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ProviderJson.object(Buffer.buffer(data)));
    } catch (DecodeException | ClassCastException notAnObject) {
      return Optional.empty();
    }
  }
}
