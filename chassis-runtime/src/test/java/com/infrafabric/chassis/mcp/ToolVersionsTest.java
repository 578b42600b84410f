package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ToolRef;
import com.infrafabric.platform.auth.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which version an MCP tool name means: the highest one the token grants. */
class ToolVersionsTest {

  private static final List<ToolRef> REFS =
      List.of(
          ToolRef.parse("echo@1.2.0"),
          ToolRef.parse("echo@1.10.0"),
          ToolRef.parse("echo@1.9.9"),
          ToolRef.parse("other@1.0.0"));

  @Test
  void aNameMeansTheHighestGrantedVersionComparedNumerically() {
    assertThat(ToolVersions.visible(token("echo"), REFS))
        .containsExactly(ToolRef.parse("echo@1.10.0"));
    assertThat(ToolVersions.visible(token("echo@1.2.0", "other"), REFS))
        .containsExactly(ToolRef.parse("echo@1.2.0"), ToolRef.parse("other@1.0.0"));
  }

  /** Regression: segments split at . + - made any suffix outrank its release. */
  @Test
  void aNameMeansTheReleaseRatherThanItsPreReleaseOrBuild() {
    List<ToolRef> refs =
        List.of(
            ToolRef.parse("echo@1.0.1-rc"),
            ToolRef.parse("echo@1.0.1"),
            ToolRef.parse("echo@1.0.0"),
            ToolRef.parse("echo@1.0.2-alpha"));
    assertThat(ToolVersions.resolve(token("echo"), "echo", refs.subList(0, 3)))
        .contains(ToolRef.parse("echo@1.0.1"));
    assertThat(ToolVersions.visible(token("echo"), refs))
        .containsExactly(ToolRef.parse("echo@1.0.2-alpha"));
  }

  @Test
  void anExactVersionResolvesOnlyWhenRegisteredAndGranted() {
    assertThat(ToolVersions.resolve(token("echo"), "echo@1.2.0", REFS))
        .contains(ToolRef.parse("echo@1.2.0"));
    assertThat(ToolVersions.resolve(token("echo@1.2.0"), "echo@1.10.0", REFS)).isEmpty();
    assertThat(ToolVersions.resolve(token("echo"), "echo@9", REFS)).isEmpty();
    assertThat(ToolVersions.resolve(token("echo"), "@@", REFS)).isEmpty();
    assertThat(ToolVersions.resolve(token("other"), "echo", REFS)).isEmpty();
  }

  private static Principal token(String... tools) {
    return new Principal(
        "agent-1", Set.of("agent"), Map.of("scope", "acme"), Map.of("tools", List.of(tools)));
  }
}
