package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.http.ApiException;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: {@code anthropic-version} and {@code anthropic-beta} were relayed as the client sent
 * them, so a beta flag that bills by another measure ({@code context-1m-...}: a long prompt at
 * premium rates) reached Anthropic past the worst case reserved. Only the versions Anthropic
 * documents and the flags the operator allows are relayed; anything else is a 400 naming it.
 */
class AnthropicHeadersTest {

  private static final Set<String> ALLOWED = Set.of("token-efficient-tools-2025-02-19");

  @Test
  void aClientThatNamesNoVersionIsSentTheCurrentOneAndNoFlag() {
    assertThat(AnthropicHeaders.upstream(headers(), ALLOWED))
        .isEqualTo(Map.of("anthropic-version", "2023-06-01"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-10-21", "2023-06-01", "2023-01-01"})
  void aDocumentedVersionIsRelayed(String version) {
    assertThat(AnthropicHeaders.upstream(headers("anthropic-version", version), ALLOWED))
        .containsEntry("anthropic-version", version);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-01-01", "", "latest", "2023-06-01,2023-01-01"})
  void anotherVersionIsRefusedNamingTheHeader(String version) {
    assertRefused(headers("anthropic-version", version), "anthropic-version", version);
  }

  @Test
  void aVersionGivenTwiceIsRefused() {
    MultiMap twice =
        headers("anthropic-version", "2023-06-01").add("anthropic-version", "2023-01-01");

    assertRefused(twice, "anthropic-version", "2023-06-01, 2023-01-01");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "context-1m-2025-08-07|context-1m-2025-08-07",
        "token-efficient-tools-2025-02-19, context-1m-2025-08-07|context-1m-2025-08-07",
        "TOKEN-EFFICIENT-TOOLS-2025-02-19|TOKEN-EFFICIENT-TOOLS-2025-02-19"
      })
  void aFlagTheOperatorDidNotAllowIsRefusedNamingIt(String header, String refused) {
    assertRefused(headers("anthropic-beta", header), "anthropic-beta", refused);
  }

  @Test
  void allowedFlagsOfEveryBetaHeaderAreRelayedInOne() {
    Set<String> allowed = Set.of("a-1", "b-2");
    MultiMap sent = headers("anthropic-beta", " a-1 ,, ").add("anthropic-beta", "b-2");

    assertThat(AnthropicHeaders.upstream(sent, allowed))
        .isEqualTo(Map.of("anthropic-version", "2023-06-01", "anthropic-beta", "a-1,b-2"));
  }

  @Test
  void noFlagIsServedByDefault() {
    assertRefused(
        headers("anthropic-beta", "token-efficient-tools-2025-02-19"),
        "anthropic-beta",
        "token-efficient-tools-2025-02-19",
        GatewaySettings.NONE.allowedAnthropicBetas());
  }

  private static void assertRefused(MultiMap headers, String header, String value) {
    assertRefused(headers, header, value, ALLOWED);
  }

  private static void assertRefused(
      MultiMap headers, String header, String value, Set<String> allowed) {
    assertThatThrownBy(() -> AnthropicHeaders.upstream(headers, allowed))
        .isInstanceOfSatisfying(
            ApiException.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(400);
              assertThat(refused.details()).containsEntry("field", header);
              assertThat(refused.getMessage())
                  .startsWith(header + " " + value + " ")
                  .contains("nothing was charged");
            });
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }
}
