package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What goes upstream of a chat completion is held to the output bound that was priced. */
class OpenAiChatWireTest {

  private static final GatewaySettings SETTINGS = GovernorServiceRig.OFFLINE_GATEWAY;
  private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  /**
   * However the client names the bound (not at all, as null, one or both), the provider is sent a
   * bound, and every bound it is sent is at most the one priced: a null left as sent would let the
   * provider use the model's own output cap, past the reservation.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''",
        "\"max_tokens\":null,",
        "\"max_completion_tokens\":null,",
        "\"max_tokens\":null,\"max_completion_tokens\":null,",
        "\"max_tokens\":50,",
        "\"max_completion_tokens\":50,",
        "\"max_tokens\":null,\"max_completion_tokens\":50,",
        "\"max_tokens\":50,\"max_completion_tokens\":null,",
        "\"max_tokens\":20,\"max_completion_tokens\":50,"
      })
  void theProviderIsAlwaysSentABoundNoLargerThanThePricedOne(String bounds) {
    String text = "{\"model\":\"gpt-test\"," + bounds + MESSAGES + "}";
    OpenAiChatWire wire = new OpenAiChatWire();
    CallRequest call =
        wire.read(
            new JsonObject(text),
            Buffer.buffer(text),
            MultiMap.caseInsensitiveMultiMap(),
            SETTINGS);

    JsonObject sent = wire.upstreamBody(call, "gpt-test").toJsonObject();

    long priced = call.maxOutputTokens();
    assertThat(
            sent.getValue("max_tokens") != null || sent.getValue("max_completion_tokens") != null)
        .as(sent.encode())
        .isTrue();
    for (String bound : new String[] {"max_tokens", "max_completion_tokens"}) {
      if (sent.containsKey(bound)) {
        assertThat(sent.getLong(bound)).as(sent.encode()).isNotNull().isLessThanOrEqualTo(priced);
      }
    }
  }
}
