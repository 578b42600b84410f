package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallRequestTest {

  private static final String SENT =
      "{\"model\":\"gpt-test\", \"max_tokens\":64,"
          + " \"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  private final Buffer bytes = Buffer.buffer(SENT);
  private final JsonObject body = new JsonObject(SENT);
  private final CallRequest call =
      new CallRequest("gpt-test", false, 64, 1, 80, body, bytes, Map.of());

  @Test
  void aBodyThatNeedsNoChangeIsRelayedAsTheClientSentIt() {
    assertThat(call.upstream(Map.of("model", "gpt-test", "max_tokens", 64L))).isSameAs(bytes);
  }

  @Test
  void aChangedFieldIsPutOverTheClientsOthersWhichStayAsTheyWere() {
    JsonObject sent =
        call.upstream(Map.of("model", "gpt-other", "max_completion_tokens", 64L)).toJsonObject();

    assertThat(sent.getString("model")).isEqualTo("gpt-other");
    assertThat(sent.getLong("max_completion_tokens")).isEqualTo(64);
    assertThat(sent.getJsonArray("messages")).isEqualTo(body.getJsonArray("messages"));
    assertThat(body).isEqualTo(new JsonObject(SENT));
  }
}
