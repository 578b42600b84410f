package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.llm.ProviderSettings;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a stream cut at the gateway's answer bound ended by resetting the client's
 * connection, so the SDK raised an I/O error that did not say why, and the ledger said only {@code
 * cut}. The stream now ends with an error event saying so, on which the SDK raises with the
 * gateway's words, and the ledger says {@code too_large}.
 */
@Timeout(120)
class GatewayStreamBoundsTest {

  private static final long MAX_ANSWER_BYTES = 1024;

  @RegisterExtension
  static final GatewayRig RIG =
      GatewayRig.withSettings(
          new GatewaySettings(
              List.of(ProviderSettings.offline(List.of("gpt-test"))),
              Map.of(),
              Optional.empty(),
              1000,
              32_768,
              Duration.ofSeconds(30),
              MAX_ANSWER_BYTES,
              true,
              GatewaySettings.NONE.keyCacheTtl(),
              Set.of(),
              GatewaySettings.NONE.answerWait()));

  @Test
  void aStreamPastTheAnswerBoundRaisesInTheSdkAndIsRecordedAsTooLarge() {
    String scope = RIG.fundedScope(1_000_000);
    String longAnswer = "Repeat these words back to me. ".repeat(20);

    assertThatThrownBy(
            () -> {
              try (StreamResponse<ChatCompletionChunk> stream =
                  RIG.openAi(RIG.agent(scope))
                      .chat()
                      .completions()
                      .createStreaming(GatewayRig.chat("gpt-test", longAnswer))) {
                stream.stream().count();
              }
            })
        .hasMessageContaining(
            "The stream is incomplete: the answer exceeds the "
                + MAX_ANSWER_BYTES
                + " bytes the gateway relays");
    assertThat(RIG.awaitChargedAsReserved(scope).getJsonObject("fields").getString("out"))
        .isEqualTo("too_large" + Charge.UNREPORTED);
  }
}
