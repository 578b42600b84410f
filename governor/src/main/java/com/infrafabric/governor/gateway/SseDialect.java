package com.infrafabric.governor.gateway;

import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.platform.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * How a stream of server-sent events ends in one API's dialect: the provider's last event, its
 * error event, and the event the gateway sends when it ends a stream the provider did not finish,
 * so that the official SDKs raise, as they do on the provider's own error event, instead of taking
 * a cut answer for a whole one. OpenAI's last event is {@code data: [DONE]}, which is not JSON
 * ({@link SseRelay} knows it); its error is a chunk with an {@code error} object. Anthropic's last
 * event is {@code message_stop}; its error is an {@code error} event. Stateless.
 */
enum SseDialect {
  OPENAI {
    @Override
    boolean last(JsonObject data) {
      return false;
    }

    @Override
    boolean error(JsonObject data) {
      return data.getValue("error") != null;
    }

    @Override
    Buffer failure(ApiException error) {
      return event(null, GatewayErrors.openAi(error, null).body());
    }
  },

  ANTHROPIC {
    @Override
    boolean last(JsonObject data) {
      return "message_stop".equals(data.getValue("type"));
    }

    @Override
    boolean error(JsonObject data) {
      return "error".equals(data.getValue("type"));
    }

    @Override
    Buffer failure(ApiException error) {
      return event("error", GatewayErrors.anthropic(error, null).body());
    }
  };

  /** The dialect of the streams a wire of {@code format} relays. */
  static SseDialect of(ProviderFormat format) {
    return format == ProviderFormat.ANTHROPIC ? ANTHROPIC : OPENAI;
  }

  /** True if {@code data}, an event's, is the provider's last event of a stream it finished. */
  abstract boolean last(JsonObject data);

  /**
   * True if {@code data}, an event's, is the provider's report of an error that ends the stream.
   */
  abstract boolean error(JsonObject data);

  /**
   * The event that tells the client, in this dialect, that its stream failed with {@code error}.
   */
  abstract Buffer failure(ApiException error);

  private static Buffer event(String name, JsonObject data) {
    Buffer event = Buffer.buffer();
    if (name != null) {
      event.appendString("event: " + name + "\n");
    }
    return event.appendString("data: ").appendBuffer(data.toBuffer()).appendString("\n\n");
  }
}
