package com.infrafabric.platform.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeGrammarTest {

  @Test
  void segmentsAreIdsSafeInRedisKeysUrlsAndLogs() {
    for (String id : List.of("acme", "a", "A-1_b", "9", "x".repeat(64))) {
      assertThat(ScopeGrammar.isSegment(id)).as(id).isTrue();
    }
    for (String id :
        List.of(
            "",
            ".",
            "..",
            "-a",
            "_a",
            "a.b",
            "a/b",
            "a{b",
            "a}",
            "a b",
            "a:b",
            "é",
            "x".repeat(65))) {
      assertThat(ScopeGrammar.isSegment(id)).as(id).isFalse();
    }
    assertThat(ScopeGrammar.isSegment(null)).isFalse();
  }

  @Test
  void aScopeIsOneToFiveSegments() {
    assertThat(ScopeGrammar.isScope("acme")).isTrue();
    assertThat(ScopeGrammar.isScope("acme/search/agent-7/task-42/step-1")).isTrue();
    assertThat(ScopeGrammar.problem("a/b/c/d/e/f")).contains("must have 1 to 5 segments");
    assertThat(ScopeGrammar.problem("acme/")).isPresent();
    assertThat(ScopeGrammar.problem("/acme")).isPresent();
    assertThat(ScopeGrammar.problem("acme/../x")).isPresent();
    assertThat(ScopeGrammar.problem("")).contains("is empty");
    assertThat(ScopeGrammar.problem(null)).contains("is empty");
    assertThat(ScopeGrammar.problem("a/".repeat(400))).contains("is too long");
  }

  @Test
  void theTenantIsTheFirstSegmentOfAValidScope() {
    assertThat(ScopeGrammar.tenantOf("acme/search")).isEqualTo("acme");
    assertThat(ScopeGrammar.tenantOf("acme")).isEqualTo("acme");
    assertThatThrownBy(() -> ScopeGrammar.tenantOf("../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
