package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a batch answers at its deadline: what it has, then why the rest has no result. */
class BatchAnswersTest {

  private static final JsonArray BATCH =
      new JsonArray(
          "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
              + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\"},"
              + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
              + "{\"jsonrpc\":\"1.0\",\"id\":4,\"method\":\"ping\"},"
              + "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}]");

  @Test
  void atTheDeadlineTheRunningRequestAndThoseNotStartedAreAnsweredWithWhy() {
    BatchAnswers answers = new BatchAnswers(BATCH, Duration.ofMillis(1500));
    assertThat(answers.start()).isTrue();
    answers.answered(Optional.of(new JsonObject().put("id", 1)));
    assertThat(answers.start()).isTrue();

    JsonArray expired = answers.expire();

    assertThat(answers.start()).isFalse();
    assertThat(expired).hasSize(4);
    assertThat(expired.getJsonObject(0)).isEqualTo(new JsonObject().put("id", 1));
    assertThat(expired.getJsonObject(1).getInteger("id")).isEqualTo(2);
    assertThat(error(expired, 1).getInteger("code")).isEqualTo(-32001);
    assertThat(error(expired, 1).getString("message"))
        .contains("deadline of 1500 ms", "while this request ran");
    assertThat(error(expired, 2).getInteger("code")).isEqualTo(-32600);
    assertThat(expired.getJsonObject(3).getInteger("id")).isEqualTo(5);
    assertThat(error(expired, 3).getString("message")).contains("did not run");
  }

  @Test
  void anAnswerAfterTheDeadlineIsNotAdded() {
    BatchAnswers answers = new BatchAnswers(BATCH, Duration.ofMillis(1500));
    answers.start();
    JsonArray expired = answers.expire();
    answers.answered(Optional.of(new JsonObject().put("id", 1)));
    assertThat(answers.finish()).isEmpty();
    assertThat(error(expired, 0).getString("message")).contains("while this request ran");
  }

  private static JsonObject error(JsonArray answers, int index) {
    return answers.getJsonObject(index).getJsonObject("error");
  }
}
