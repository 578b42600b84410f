package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenSpecTest {

  private static final TokenSpec SPEC =
      TokenSpec.of("agent-1", "issuer", "audience", Duration.ofMinutes(5));

  @Test
  void claimsAddedTogetherAreTheClaimsAddedOneByOne() {
    TokenSpec together =
        SPEC.withScope("acme/project").withClaims(Map.of("jti", "grant:1", "scope", "acme/other"));
    TokenSpec oneByOne = SPEC.withScope("acme/project").withClaim("jti", "grant:1");

    assertThat(together.stringClaims())
        .isEqualTo(oneByOne.withClaim("scope", "acme/other").stringClaims());
    assertThat(SPEC.stringClaims()).isEmpty();
  }

  @Test
  void listClaimsAddedTogetherAreCopied() {
    List<String> tools = new ArrayList<>(List.of("sha256:a"));
    TokenSpec spec =
        SPEC.withListClaim("caps", List.of("search"))
            .withListClaims(Map.of("tools", tools, "models", List.of("gpt")));
    tools.add("sha256:b");

    assertThat(spec.listClaims())
        .isEqualTo(
            Map.of(
                "caps", List.of("search"), "tools", List.of("sha256:a"), "models", List.of("gpt")));
  }
}
