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
class ServedShapeTest {

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

  /**
   * Regression: only the top level, each message's fields and each part's {@code type} were
   * checked, so a field inside a part, a tool, {@code tool_choice}, {@code thinking}, {@code
   * response_format} or {@code stream_options} was relayed as sent: an {@code image_url} riding on
   * a text part, a {@code source} on a tool result's text block, a server tool's {@code max_uses}
   * on a custom tool. Every object the gateway relays is checked against its dialect's declared
   * shape, at every depth, and anything else is refused naming its path, before anything is
   * reserved.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
            + "\"image_url\":{\"url\":\"http://x\"}}]}]|messages[0].content[0].image_url",
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
            + "\"prompt_cache_breakpoint\":{}}]}]|messages[0].content[0].prompt_cache_breakpoint",
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"refusal\","
            + "\"refusal\":\"no\"}]}]|messages[0].content[0].type",
        "openai|\"messages\":[{\"role\":\"user\",\"content\":\"Hi\",\"tool_call_id\":\"c\"}]"
            + "|messages[0].tool_call_id",
        "openai|\"messages\":[{\"role\":\"narrator\",\"content\":\"Hi\"}]|messages[0].role",
        "openai|\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
            + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\",\"x\":1}}]}]"
            + "|messages[0].tool_calls[0].function.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"},\"extra\":1}]"
            + "|tools[0].extra",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"x\":1}}]"
            + "|tools[0].function.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"g\",\"format\":"
            + "{\"type\":\"grammar\",\"grammar\":{\"definition\":\"d\",\"syntax\":\"lark\","
            + "\"x\":1}}}}]|tools[0].custom.format.grammar.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"response_format\":{\"type\":\"json_object\","
            + "\"x\":1}|response_format.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"response_format\":{\"type\":\"json_schema\","
            + "\"json_schema\":{\"name\":\"n\",\"schema\":{},\"x\":1}}|response_format.json_schema.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"response_format\":{\"type\":\"xml\"}"
            + "|response_format.type",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"tool_choice\":{\"type\":\"function\","
            + "\"function\":{\"name\":\"f\"},\"x\":{}}|tool_choice.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"tool_choice\":{\"type\":\"allowed_tools\","
            + "\"allowed_tools\":{\"mode\":\"auto\",\"tools\":[{\"type\":\"web_search\"}]}}"
            + "|tool_choice.allowed_tools.tools[0].type",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"stream_options\":{\"include_usage\":true,"
            + "\"x\":1}|stream_options.x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"functions\":[{\"name\":\"f\",\"x\":1}]"
            + "|functions[0].x",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"function_call\":{\"name\":\"f\",\"x\":1}"
            + "|function_call.x",
        "anthropic|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
            + "\"source\":{\"type\":\"url\",\"url\":\"https://x/a.pdf\"}}]}]}]"
            + "|messages[0].content[0].content[0].source",
        "anthropic|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
            + "\"citations\":[{\"type\":\"char_location\",\"cited_text\":\"a\",\"x\":1}]}]}]"
            + "|messages[0].content[0].citations[0].x",
        "anthropic|\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
            + "\"id\":\"t\",\"name\":\"f\",\"input\":{},\"caller\":{\"type\":"
            + "\"code_execution_20250825\",\"tool_id\":\"s\"}}]}]"
            + "|messages[0].content[0].caller.type",
        "openai|\"messages\":[{\"role\":\"assistant\",\"content\":\"a\",\"annotations\":"
            + "[{\"type\":\"url_citation\",\"url_citation\":{\"url\":\"u\",\"x\":1}}]}]"
            + "|messages[0].annotations[0].url_citation.x",
        "openai|\"messages\":[{\"role\":\"assistant\",\"content\":\"a\",\"audio\":"
            + "{\"id\":\"audio_1\"}}]|messages[0].audio",
        "anthropic|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
            + "\"cache_control\":{\"type\":\"ephemeral\",\"x\":1}}]}]"
            + "|messages[0].content[0].cache_control.x",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"name\":\"f\",\"input_schema\":{},\"type\":\"custom\","
            + "\"max_uses\":5}]|tools[0].max_uses",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"tools\":[{\"name\":\"f\",\"input_schema\":{},\"input_examples\":[{}]}]"
            + "|tools[0].input_examples",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"thinking\":{\"type\":\"enabled\","
            + "\"budget_tokens\":1024,\"extra\":1}|thinking.extra",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"tool_choice\":{\"type\":\"auto\","
            + "\"extra\":{\"a\":1}}|tool_choice.extra",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"tool_choice\":{\"type\":\"sometimes\"}"
            + "|tool_choice.type",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"metadata\":{\"user_id\":\"u\",\"x\":1}"
            + "|metadata.x",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"system\":[{\"type\":\"text\","
            + "\"text\":\"a\",\"x\":1}]|system[0].x"
      })
  void unservedFieldsInsideNestedObjectsAreRefusedNamingTheirPath(
      String wire, String fields, String path) {
    whatTheWorstCaseDoesNotBoundIsRefusedNamingItsPath(wire, fields, path);
  }

  /**
   * Regression: a value of another JSON kind than its field's (an object where a text is read) was
   * relayed unchecked, for a reader that takes it for something else to serve it. It is refused
   * naming its path and the kind it must be.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "openai|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
            + "\"text\":{\"image_url\":\"http://x\"}}]}]|messages[0].content[0].text"
            + "|a text, number or boolean",
        "openai|\"messages\":[" + USER_TEXT + "],\"tools\":[null]|tools[0]|an object",
        "openai|\"messages\":["
            + USER_TEXT
            + "],\"metadata\":{\"k\":[1]}|metadata.k"
            + "|a text, number or boolean",
        "anthropic|\"messages\":[" + USER_TEXT + "],\"tools\":{\"name\":\"f\"}|tools|an array",
        "anthropic|\"messages\":["
            + USER_TEXT
            + "],\"system\":{\"type\":\"text\"}|system"
            + "|a text, number or boolean or an array",
        "embeddings|\"input\":\"Hi\",\"user\":{\"id\":\"u\"}|user|a text, number or boolean"
      })
  void aValueOfAnotherKindThanItsFieldsIsRefusedNamingItsPath(
      String wire, String fields, String path, String kind) {
    assertThatThrownBy(() -> read(wire, fields))
        .isInstanceOfSatisfying(
            ApiException.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(400);
              assertThat(refused.details()).containsEntry("field", path);
              assertThat(refused.getMessage()).isEqualTo(path + " must be " + kind + ".");
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
            + "\"logit_bias\":{\"50256\":-100},\"functions\":[{\"name\":\"g\"}],"
            + "\"function_call\":\"auto\",\"verbosity\":\"low\",\"prompt_cache_key\":\"k\","
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
        "openai|\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"}],"
            + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"custom\",\"custom\":{\"name\":\"g\","
            + "\"input\":\"x\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":"
            + "[{\"type\":\"text\",\"text\":\"42\"}]}],\"tools\":[{\"type\":\"function\","
            + "\"function\":{\"name\":\"f\",\"strict\":true,\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"image_url\":{\"type\":\"string\",\"x-any\":[{\"deep\":{}}]}}}}},"
            + "{\"type\":\"custom\",\"custom\":{\"name\":\"g\",\"format\":{\"type\":\"grammar\","
            + "\"grammar\":{\"definition\":\"start: /a/\",\"syntax\":\"lark\"}}}}],"
            + "\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\","
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}},"
            + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"n\","
            + "\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"source\":{}}}}},"
            + "\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false},"
            + "\"stop\":\"x\",\"user\":null",
        "anthropic|\"messages\":[{\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"redacted_thinking\",\"data\":\"d\"},{\"type\":\"tool_use\",\"id\":\"t\","
            + "\"name\":\"f\",\"input\":{\"source\":{\"type\":\"url\"},\"citations\":[1]}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
            + "\"content\":\"42\",\"is_error\":false,\"cache_control\":{\"type\":\"ephemeral\","
            + "\"ttl\":\"1h\"}}]}],\"system\":\"Be brief\",\"tools\":[{\"name\":\"f\","
            + "\"description\":\"d\",\"input_schema\":{\"type\":\"object\",\"properties\":"
            + "{\"max_uses\":{\"type\":\"integer\"}}},\"cache_control\":{\"type\":\"ephemeral\"}}],"
            + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"f\",\"disable_parallel_tool_use\":true},"
            + "\"thinking\":{\"type\":\"adaptive\",\"display\":\"summarized\"}",
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
