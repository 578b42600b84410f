package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Tool;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression: a field inside a content part, a tool, {@code tool_choice}, {@code thinking} or
 * {@code response_format} was relayed to the provider as sent (200, charged as a text call), since
 * only the top level, each message's fields and each part's {@code type} were checked: an {@code
 * image_url} riding on a text part, a {@code source} on a tool result's text block, a server tool's
 * {@code max_uses} on a custom tool. Each is a 400 in the caller's dialect naming its path, with
 * nothing reserved and nothing sent to the provider.
 */
class GatewayNestedFieldsTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  private static final String HI = "[{\"role\":\"user\",\"content\":\"Hi\"}]";

  /** The probe's requests, sent as they were, over HTTP. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "openai|{\"model\":\"gpt-test\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"text\",\"text\":\"a\",\"image_url\":{\"url\":\"http://x\"}}]}]}"
            + "|messages[0].content[0].image_url",
        "openai|{\"model\":\"gpt-test\",\"max_tokens\":5,\"messages\":"
            + HI
            + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"},\"extra\":1}]}"
            + "|tools[0].extra",
        "openai|{\"model\":\"gpt-test\",\"max_tokens\":5,\"messages\":"
            + HI
            + ",\"response_format\":{\"type\":\"json_object\",\"x\":1}}|response_format.x",
        "anthropic|{\"model\":\"claude-test\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
            + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":"
            + "\"text\",\"text\":\"a\",\"source\":{\"type\":\"url\",\"url\":\"https://x/a.pdf\"}}]}]}]}"
            + "|messages[0].content[0].content[0].source",
        "anthropic|{\"model\":\"claude-test\",\"max_tokens\":5,\"messages\":"
            + HI
            + ",\"tools\":[{\"name\":\"f\",\"input_schema\":{},\"type\":\"custom\",\"max_uses\":5}]}"
            + "|tools[0].max_uses",
        "anthropic|{\"model\":\"claude-test\",\"max_tokens\":1100,\"messages\":"
            + HI
            + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024,\"extra\":1}}"
            + "|thinking.extra",
        "anthropic|{\"model\":\"claude-test\",\"max_tokens\":5,\"messages\":"
            + HI
            + ",\"tool_choice\":{\"type\":\"auto\",\"extra\":{\"a\":1}}}|tool_choice.extra"
      })
  void aFieldInsideANestedObjectIsABadRequestInTheCallersDialect(
      String wire, String body, String path) {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();

    HttpResponse<String> answer =
        RIG.post(
            wire.equals("openai")
                ? GatewayRoutes.OPENAI + "/chat/completions"
                : GatewayRoutes.ANTHROPIC + "/v1/messages",
            RIG.agent(scope),
            new JsonObject(body),
            Map.of());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    JsonObject error = new JsonObject(answer.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("message"))
        .startsWith(path + ": ")
        .contains("cost cannot be bounded before the call");
    if (wire.equals("openai")) {
      assertThat(error.getString("param")).isEqualTo(path);
    }
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.ledger(scope)).isEmpty();
    assertThat(RIG.primary.received()).hasSize(received);
  }

  /** The SDKs' own way of sending a field they do not model raises their bad-request exception. */
  @Test
  void aFieldTheSdkAddsToATypedPartIsTheSdksBadRequest() {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    ChatCompletionCreateParams chat =
        GatewayRig.chat("gpt-test", "Hi").toBuilder()
            .addTool(
                ChatCompletionFunctionTool.builder()
                    .function(FunctionDefinition.builder().name("lookup").build())
                    .putAdditionalProperty("extra", JsonValue.from(1))
                    .build())
            .build();
    MessageCreateParams message =
        GatewayRig.message("claude-test").toBuilder()
            .addTool(
                Tool.builder()
                    .name("lookup")
                    .inputSchema(Tool.InputSchema.builder().build())
                    .type(Tool.Type.CUSTOM)
                    .putAdditionalProperty("max_uses", com.anthropic.core.JsonValue.from(5))
                    .build())
            .build();

    assertThatThrownBy(() -> RIG.openAi(RIG.agent(scope)).chat().completions().create(chat))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.type()).contains("invalid_request_error");
              assertThat(e.param()).contains("tools[0].extra");
            });
    assertThatThrownBy(() -> RIG.anthropic(RIG.agent(scope)).messages().create(message))
        .isInstanceOfSatisfying(
            com.anthropic.errors.BadRequestException.class,
            e ->
                assertThat(e.body().toString())
                    .contains("invalid_request_error")
                    .contains("tools[0].max_uses"));
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.primary.received()).hasSize(received);
  }
}
