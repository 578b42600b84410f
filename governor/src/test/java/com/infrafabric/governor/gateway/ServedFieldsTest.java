package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression: inputs a provider bills by another measure than their bytes (images, audio, files,
 * documents, server tools, audio output, web search, an unknown field) were relayed, and billed
 * past the worst case the gateway had reserved. Each wire serves only the fields and parts whose
 * cost it bounds, and refuses any other, naming its path, before anything is reserved.
 */
class ServedFieldsTest {

  private static final GatewaySettings SETTINGS = GovernorServiceRig.OFFLINE_GATEWAY;
  private static final String USER_TEXT = "{\"role\":\"user\",\"content\":\"Hi\"}";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/a.png\"}}]}]"
            + "|messages[0].content[1].type",
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\","
            + "\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]"
            + "|messages[0].content[0].type",
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\","
            + "\"file\":{\"file_id\":\"f\"}}]}]|messages[0].content[0].type",
        "openai|\"messages\":[{\"role\":\"assistant\",\"audio\":{\"id\":\"a\"}}]"
            + "|messages[0].audio",
        "openai|\"messages\":[" + USER_TEXT + "],\"modalities\":[\"text\",\"audio\"]|modalities",
        "openai|\"messages\":[" + USER_TEXT + "],\"audio\":{\"voice\":\"alloy\"}|audio",
        "openai|\"messages\":[" + USER_TEXT + "],\"web_search_options\":{}|web_search_options",
        "openai|\"messages\":[" + USER_TEXT + "],\"service_tier\":\"priority\"|service_tier",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"type\":\"web_search\"}]"
            + "|tools[0].type",
        "openai|\"messages\":[" + USER_TEXT + "],\"invented\":1|invented",
        "anthropic|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
            + "\"source\":{\"type\":\"url\",\"url\":\"https://x/a.png\"}}]}]"
            + "|messages[0].content[0].type",
        "anthropic|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\","
            + "\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"AA\"}}]}]"
            + "|messages[0].content[0].type",
        "anthropic|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}]"
            + "|messages[0].content[0].content[0].type",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"type\":\"web_search_20250305\","
            + "\"name\":\"web_search\"}]|tools[0].type",
        "anthropic|\"messages\":[" + USER_TEXT + "],\"mcp_servers\":[]|mcp_servers",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"system\":[{\"type\":\"image\"}]"
            + "|system[0].type",
        "embeddings|\"input\":\"Hi\",\"invented\":true|invented"
      })
  void whatTheWorstCaseDoesNotBoundIsRefusedNamingItsPath(String wire, String fields, String path) {
    assertThatThrownBy(() -> read(wire, fields))
        .isInstanceOfSatisfying(
            ApiException.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(400);
              assertThat(refused.details()).containsEntry("field", path);
              assertThat(refused.getMessage())
                  .startsWith(path + ": ")
                  .contains("cost cannot be bounded before the call");
            });
  }

  /** What the official SDKs send for text, tools and structured output is served. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "openai|\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Be"
            + " brief\"}]},{\"role\":\"user\",\"content\":\"Hi\",\"name\":\"a\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
            + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"42\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
            + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":true,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"temperature\":1,\"top_p\":1,"
            + "\"stop\":[\"x\"],\"user\":\"u\",\"metadata\":{\"k\":\"v\"},\"seed\":1,\"n\":2,"
            + "\"response_format\":{\"type\":\"json_object\"},\"max_completion_tokens\":10,"
            + "\"logprobs\":true,\"top_logprobs\":2,\"store\":false,\"reasoning_effort\":\"low\"",
        "anthropic|\"messages\":["
            + USER_TEXT
            + ",{\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"s\"},"
            + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"42\"}]}]}],"
            + "\"system\":[{\"type\":\"text\",\"text\":\"Be brief\",\"cache_control\":"
            + "{\"type\":\"ephemeral\"}}],\"tools\":[{\"name\":\"f\",\"input_schema\":{}},"
            + "{\"type\":\"custom\",\"name\":\"g\",\"input_schema\":{}}],"
            + "\"tool_choice\":{\"type\":\"auto\"},\"stop_sequences\":[\"x\"],\"top_k\":5,"
            + "\"metadata\":{\"user_id\":\"u\"},\"thinking\":{\"type\":\"enabled\","
            + "\"budget_tokens\":1024},\"stream\":true",
        "embeddings|\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\",\"dimensions\":8,"
            + "\"user\":\"u\""
      })
  void whatTheSdksSendIsServed(String wire, String fields) {
    assertThat(read(wire, fields).model()).isNotEmpty();
  }

  private static CallRequest read(String wire, String fields) {
    String text =
        "{\"model\":\""
            + (wire.equals("embeddings") ? "emb-test" : "gpt-test")
            + "\",\"max_tokens\":2000,"
            + fields
            + "}";
    if (wire.equals("embeddings")) {
      text = text.replace("\"max_tokens\":2000,", "");
    }
    JsonObject body = new JsonObject(text);
    Buffer bytes = Buffer.buffer(text);
    Wire read =
        switch (wire) {
          case "openai" -> new OpenAiChatWire();
          case "anthropic" -> new AnthropicMessagesWire();
          default -> new OpenAiEmbeddingsWire();
        };
    return read.read(body, bytes, MultiMap.caseInsensitiveMultiMap(), SETTINGS);
  }
}
