package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFieldsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}",
        "{\"messages\":[{\"content\":\"tab\\tquote\\\"slash\\\\ nl\\n bell\\u0007 \\u2028\"}]}",
        "{\"messages\":[{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\u4e2d\\u6587 / \\u007f\"}]}",
        "{\"messages\":[1, -20, 12345678901234, 123456789012345678901234567890, 1.50, 2e-3,"
            + " -0.0, 1E+300, true, false, null, [], {}, [[{\"a\":{\"b\":[]}}]]]}",
        "{\"messages\":{\"nested\":{\"deeper\":\"x\"}}}",
        "{\"messages\":\"a system prompt as text, not JSON \\\"quoted\\\"\"}",
        "{\"messages\":42}"
      })
  void theLengthIsThatOfTheFieldsText(String body) {
    JsonObject parsed = (JsonObject) StrictJson.parse(body.getBytes(StandardCharsets.UTF_8));
    Object messages = parsed.getValue("messages");

    assertThat(RequestFields.length(messages)).isEqualTo(messages.toString().length());
    assertThat(RequestFields.estimatedTokens(parsed, "messages"))
        .isEqualTo(RequestFields.tokensOf(messages.toString().length()));
  }

  @Test
  void randomTextHasTheLengthOfItsEncoding() {
    Random random = new Random(13);
    for (int i = 0; i < 500; i++) {
      StringBuilder text = new StringBuilder();
      for (int c = random.nextInt(40); c > 0; c--) {
        text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD800)));
      }
      JsonArray messages =
          new JsonArray().add(new JsonObject().put("role", "user").put("content", text.toString()));

      assertThat(RequestFields.length(messages)).isEqualTo(messages.toString().length());
    }
  }

  @Test
  void anAbsentFieldHasNoTokens() {
    assertThat(RequestFields.estimatedTokens(new JsonObject(), "messages")).isZero();
  }
}
