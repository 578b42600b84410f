package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScopeTest {

  @Test
  void layersRunFromTheTenantDownToTheScope() {
    assertThat(Scope.parse("acme/search/agent-7/task_42").layers())
        .extracting(Scope::path)
        .containsExactly(
            "acme", "acme/search", "acme/search/agent-7", "acme/search/agent-7/task_42");
    assertThat(Scope.parse("acme/search").tenant()).isEqualTo("acme");
  }

  @Test
  void aSubtreeContainsItsRootAndDescendantsButNotSiblingsWithACommonPrefix() {
    Scope project = Scope.parse("acme/search");
    assertThat(Scope.parse("acme/search").isWithin(project)).isTrue();
    assertThat(Scope.parse("acme/search/a/b").isWithin(project)).isTrue();
    assertThat(Scope.parse("acme/searcher").isWithin(project)).isFalse();
    assertThat(Scope.parse("acme").isWithin(project)).isFalse();
    assertThat(Scope.parse("other/search").isWithin(project)).isFalse();
  }

  @Test
  void fiveSegmentsOfSixtyFourCharactersAreTheLimit() {
    String segment = "a".repeat(64);
    String path = String.join("/", segment, segment, segment, segment, segment);
    assertThat(Scope.parse(path).depth()).isEqualTo(5);
  }
}
