package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a conversation's next turn built from the gateway's own answer was refused 400. The
 * official SDKs read every field of an answer's message or block ({@code "refusal":null,
 * "annotations":[]} of an OpenAI message, {@code citations} of an Anthropic text block, {@code
 * "caller":{"type":"direct"}} of its tool call) and write them back when a client sends that answer
 * as the assistant's turn, which the gateway refused as fields it does not serve. The class: every
 * field an SDK's answer type declares for a message or block a client may send back, and which
 * changes nothing the gateway prices, is served, checked as the provider's API would, and relayed
 * unchanged; the turn after is charged as the provider reported it. Each dialect's text and
 * tool-call turns are sent back through the SDK itself ({@code ChatCompletionMessage.toParam()},
 * {@code Message.toParam()}), streamed and not, and as the SDK writes the answer it read.
 */
@Timeout(120)
class GatewayEchoedTurnsTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  /** The second turn's three messages, as the fake provider counts them, and its output. */
  private static final long SECOND_INPUT = 3L * FakeProvider.INPUT_TOKENS_PER_MESSAGE;

  private static final String OPENAI_TEXT =
      "{\"role\":\"assistant\",\"content\":\"It is mild.\",\"refusal\":null,\"annotations\":"
          + "[{\"type\":\"url_citation\",\"url_citation\":{\"end_index\":11,\"start_index\":0,"
          + "\"title\":\"Forecast\",\"url\":\"https://example.com/f\"}}],\"audio\":null,"
          + "\"function_call\":null,\"tool_calls\":null}";

  private static final String OPENAI_TOOL =
      "{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"annotations\":[],\"audio\":null,"
          + "\"function_call\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
          + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}";

  private static final String ANTHROPIC_TEXT =
      "[{\"type\":\"text\",\"text\":\"It is mild.\",\"citations\":[{\"type\":\"char_location\","
          + "\"cited_text\":\"mild\",\"document_index\":0,\"document_title\":\"Weather\","
          + "\"start_char_index\":0,\"end_char_index\":4,\"file_id\":null},{\"type\":"
          + "\"web_search_result_location\",\"cited_text\":\"mild\",\"encrypted_index\":\"eA==\","
          + "\"title\":\"Forecast\",\"url\":\"https://example.com/f\"}]}]";

  private static final String ANTHROPIC_TOOL =
      "[{\"type\":\"text\",\"text\":\"Let me look.\",\"citations\":null},{\"type\":\"tool_use\","
          + "\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{\"city\":\"Paris\"},"
          + "\"caller\":{\"type\":\"direct\"}}]";

  @ParameterizedTest
  @CsvSource({"text,false", "text,true", "tool,false", "tool,true"})
  void anOpenAiAnswerTheSdkSendsBackIsServedAndCharged(String turn, boolean stream) {
    String scope = RIG.fundedScope(1_000_000);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));
    ChatCompletion first = firstOpenAi(client, turn);

    ChatCompletionCreateParams.Builder next =
        GatewayRig.chat("gpt-test", "Hello there").toBuilder()
            .addMessage(first.choices().get(0).message());
    ChatCompletionCreateParams params =
        (turn.equals("tool")
                ? next.addMessage(
                    ChatCompletionToolMessageParam.builder()
                        .toolCallId("call_1")
                        .content("12 degrees")
                        .build())
                : next.addUserMessage("Thanks"))
            .build();
    if (stream) {
      try (StreamResponse<ChatCompletionChunk> chunks =
          client.chat().completions().createStreaming(params)) {
        assertThat(chunks.stream().count()).isPositive();
      }
    } else {
      assertThat(client.chat().completions().create(params).choices()).hasSize(1);
    }

    RIG.awaitSettled(
        scope,
        RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, FakeProvider.OUTPUT_TOKENS)
            + RIG.cost("gpt-test", SECOND_INPUT, FakeProvider.OUTPUT_TOKENS));
  }

  @ParameterizedTest
  @CsvSource({"text,false", "text,true", "tool,false", "tool,true"})
  void anAnthropicAnswerTheSdkSendsBackIsServedAndCharged(String turn, boolean stream) {
    String scope = RIG.fundedScope(1_000_000);
    AnthropicClient client = RIG.anthropic(RIG.agent(scope));
    Message first = firstAnthropic(client, turn);

    MessageCreateParams.Builder next =
        GatewayRig.message("claude-test").toBuilder().addMessage(first);
    MessageCreateParams params =
        (turn.equals("tool")
                ? next.addUserMessageOfContentBlockParams(
                    List.of(
                        ContentBlockParam.ofToolResult(
                            ToolResultBlockParam.builder()
                                .toolUseId("toolu_1")
                                .content("12 degrees")
                                .build())))
                : next.addUserMessage("Thanks"))
            .build();
    if (stream) {
      try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> events =
          client.messages().createStreaming(params)) {
        assertThat(events.stream().count()).isPositive();
      }
    } else {
      assertThat(client.messages().create(params).content()).isNotEmpty();
    }

    RIG.awaitSettled(
        scope,
        RIG.cost("claude-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, FakeProvider.OUTPUT_TOKENS)
            + RIG.cost("claude-test", SECOND_INPUT, FakeProvider.OUTPUT_TOKENS));
  }

  /**
   * An answer's message or blocks written back as the SDK wrote the answer it read, every field its
   * type declares (nulls too), as a client that keeps the answer object sends it: served, and the
   * provider gets them unchanged.
   */
  @ParameterizedTest
  @ValueSource(strings = {"openai-text", "openai-tool", "anthropic-text", "anthropic-tool"})
  void anAnswerAsTheSdkWritesItIsRelayedUnchanged(String answer) throws JsonProcessingException {
    String scope = RIG.fundedScope(1_000_000);
    boolean openAi = answer.startsWith("openai");
    String turn = answer.substring(answer.indexOf('-') + 1);
    JsonObject said =
        openAi
            ? new JsonObject(
                com.openai.core.ObjectMappers.jsonMapper()
                    .writeValueAsString(
                        firstOpenAi(RIG.openAi(RIG.agent(scope)), turn).choices().get(0).message()))
            : new JsonObject()
                .put("role", "assistant")
                .put(
                    "content",
                    new JsonArray(
                        com.anthropic.core.ObjectMappers.jsonMapper()
                            .writeValueAsString(
                                firstAnthropic(RIG.anthropic(RIG.agent(scope)), turn).content())));
    JsonObject user = new JsonObject().put("role", "user").put("content", "Thanks");
    JsonObject body =
        new JsonObject()
            .put("model", openAi ? "gpt-test" : "claude-test")
            .put("max_tokens", 1000)
            .put("messages", new JsonArray().add(user).add(said).add(user));

    HttpResponse<String> second =
        RIG.post(
            openAi
                ? GatewayRoutes.OPENAI + "/chat/completions"
                : GatewayRoutes.ANTHROPIC + "/v1/messages",
            RIG.agent(scope),
            body,
            Map.of());

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    List<FakeProvider.Received> received = RIG.primary.received();
    JsonObject relayed = received.get(received.size() - 1).body();
    assertThat(relayed.getJsonArray("messages").getJsonObject(1)).isEqualTo(said);
  }

  private static ChatCompletion firstOpenAi(OpenAIClient client, String turn) {
    RIG.primary.then(
        new Behaviour.Body(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
                + "\"gpt-test\",\"choices\":[{\"index\":0,\"message\":"
                + (turn.equals("tool") ? OPENAI_TOOL : OPENAI_TEXT)
                + ",\"logprobs\":null,\"finish_reason\":\""
                + (turn.equals("tool") ? "tool_calls" : "stop")
                + "\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,"
                + "\"total_tokens\":12}}"));
    return client.chat().completions().create(GatewayRig.chat("gpt-test", "Hello there"));
  }

  private static Message firstAnthropic(AnthropicClient client, String turn) {
    RIG.primary.then(
        new Behaviour.Body(
            "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + "\"claude-test\",\"content\":"
                + (turn.equals("tool") ? ANTHROPIC_TOOL : ANTHROPIC_TEXT)
                + ",\"stop_reason\":\""
                + (turn.equals("tool") ? "tool_use" : "end_turn")
                + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":7,\"output_tokens\":5}}"));
    return client.messages().create(GatewayRig.message("claude-test"));
  }
}
