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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a field whose value is one of a list of names was relayed whatever it named, so an
 * embeddings call with {@code encoding_format} {@code hex} was answered 200 by a provider that
 * ignored it, past the answer's size bound the gateway computed for float or base64, and a cache
 * breakpoint's unknown {@code ttl} was priced as the five-minute cache whatever Anthropic would
 * bill for it. Where the value changes what the gateway bounds, any name the provider's reference
 * does not list is refused with 400 naming the field's path, before anything is reserved.
 */
class RequestChoicesTest {

  private static final String USER = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",";

  @ParameterizedTest
  @ValueSource(strings = {"\"hex\"", "\"FLOAT\"", "\"\"", "1", "[\"float\"]"})
  void anEncodingFormatOpenAiDoesNotListIsRefused(String format) {
    String body = "{\"model\":\"emb-test\",\"input\":\"Hi\",\"encoding_format\":" + format + "}";

    assertRefused(() -> read(new OpenAiEmbeddingsWire(), body), "encoding_format");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"float\"", "\"base64\"", "null"})
  void theEncodingFormatsOpenAiListsAreServed(String format) {
    String body = "{\"model\":\"emb-test\",\"input\":\"Hi\",\"encoding_format\":" + format + "}";

    assertThat(read(new OpenAiEmbeddingsWire(), body).model()).isEqualTo("emb-test");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"messages\":["
            + USER
            + "\"text\":\"Hi\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"24h\"}}]}]"
            + "|messages[0].content[0].cache_control.ttl",
        "\"messages\":["
            + USER
            + "\"text\":\"Hi\",\"cache_control\":{\"type\":\"persistent\"}}]}]"
            + "|messages[0].content[0].cache_control.type",
        "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\",\"text\":\"42\","
            + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1d\"}}]}]}]"
            + "|messages[0].content[0].content[0].cache_control.ttl",
        "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"system\":[{\"type\":\"text\","
            + "\"text\":\"Be brief\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":60}}]"
            + "|system[0].cache_control.ttl",
        "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"tools\":[{\"name\":\"f\","
            + "\"input_schema\":{},\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1H\"}}]"
            + "|tools[0].cache_control.ttl"
      })
  void aCacheBreakpointAnthropicDoesNotListIsRefused(String fields, String path) {
    String body = "{\"model\":\"claude-test\",\"max_tokens\":10," + fields + "}";

    assertRefused(() -> read(new AnthropicMessagesWire(), body), path);
  }

  /**
   * The breakpoints Anthropic lists are served, and a tool's schema may name a property {@code
   * cache_control}: only where Anthropic reads a breakpoint is one checked.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"ephemeral\"}",
        "{\"type\":\"ephemeral\",\"ttl\":\"5m\"}",
        "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"
      })
  void theCacheBreakpointsAnthropicListsAreServed(String control) {
    String body =
        "{\"model\":\"claude-test\",\"max_tokens\":10,\"messages\":["
            + USER
            + "\"text\":\"Hi\",\"cache_control\":"
            + control
            + "}]}],\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"cache_control\":{\"type\":\"string\"}}}}]}";

    assertThat(read(new AnthropicMessagesWire(), body).model()).isEqualTo("claude-test");
  }

  private static void assertRefused(Runnable read, String path) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(400);
              assertThat(refused.details()).containsEntry("field", path);
              assertThat(refused.getMessage()).startsWith(path + " must be one of ");
            });
  }

  private static CallRequest read(Wire wire, String body) {
    return wire.read(
        new JsonObject(body),
        Buffer.buffer(body),
        MultiMap.caseInsensitiveMultiMap(),
        GovernorServiceRig.OFFLINE_GATEWAY);
  }
}
