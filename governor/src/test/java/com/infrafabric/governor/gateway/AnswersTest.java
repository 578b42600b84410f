package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnswersTest {

  @Test
  void theUsageIsReadAsTheDecodedAnswerHoldsIt() {
    String answer =
        "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"Hi \\\"there\\\"\"}}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":4}},\"data\":[0.1,-2e-3,{}]}";

    assertThat(Answers.usage(Buffer.buffer(answer)))
        .contains(new JsonObject(answer).getJsonObject("usage"));
  }

  /** Decoded, the last copy of a repeated name wins: whatever the provider repeats is unread. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"usage\":{\"a\":1},\"usage\":{\"a\":2}}",
        "{\"usage\":{\"a\":1,\"a\":0}}",
        "{\"choices\":[{\"x\":1,\"x\":2}],\"usage\":{\"a\":1}}"
      })
  void anAnswerRepeatingAMemberNameHasNoUsage(String answer) {
    assertThat(Answers.usage(Buffer.buffer(answer))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{\"usage\":{\"a\":1}",
        "{\"usage\":{\"a\":1}} {}",
        "{\"usage\":{\"a\":1},\"text\":\"unterminated}",
        "{\"usage\":{\"a\":1},\"data\":[1,2}",
        "{\"choices\":[]}",
        "{\"usage\":null}",
        "{\"usage\":[1]}",
        "{\"usage\":\"12\"}",
        "{\"usage\":{\"a\":1},\"usage\":3}"
      })
  void anAnswerThatIsNotOneObjectWithAUsageObjectHasNone(String answer) {
    assertThat(Answers.usage(Buffer.buffer(answer))).isEmpty();
  }

  @Test
  void noAnswerHasNoUsage() {
    assertThat(Answers.usage(null)).isEmpty();
  }
}
