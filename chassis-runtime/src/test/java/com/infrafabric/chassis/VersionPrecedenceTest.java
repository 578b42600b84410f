package com.infrafabric.chassis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SemVer 2.0.0 precedence, total over every version label a contract accepts. */
class VersionPrecedenceTest {

  @Test
  void ordersTheSemVerSpecificationsExample() {
    List<String> ascending =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.9.0",
            "1.10.0",
            "2.0.0");
    List<String> shuffled = new ArrayList<>(ascending);
    Collections.reverse(shuffled);
    shuffled.sort(VersionPrecedence.LABELS);
    assertThat(shuffled).containsExactlyElementsOf(ascending);
  }

  @Test
  void aPreReleaseRanksBelowItsReleaseAndBuildMetadataIsIgnored() {
    assertThat(precedence("1.0.1-rc")).isLessThan(precedence("1.0.1"));
    assertThat(precedence("1.0.1+b")).isEqualByComparingTo(precedence("1.0.1"));
    assertThat(precedence("1.0.1-rc+b.7")).isEqualByComparingTo(precedence("1.0.1-rc"));
  }

  @Test
  void labelsOfEqualPrecedenceShareOneKeyAndOthersDoNot() {
    for (String same : List.of("1.0.1", "1.00.1", "1.0.1+b", "01.0.1", "1.0.1.0")) {
      assertThat(precedence(same).key()).as(same).isEqualTo(precedence("1.0.1").key());
      assertThat(precedence(same)).as(same).isEqualByComparingTo(precedence("1.0.1"));
    }
    for (String other : List.of("1.0.1-rc", "1.0.1-0", "1.0.1.1", "1.0.10", "1.0.1-", "1.0.1.a")) {
      assertThat(precedence(other).key()).as(other).isNotEqualTo(precedence("1.0.1").key());
      assertThat(precedence(other)).as(other).isNotEqualByComparingTo(precedence("1.0.1"));
    }
  }

  @Test
  void labelsOutsideSemVerStillHaveAPlace() {
    assertThat(precedence("1.2")).isEqualByComparingTo(precedence("1.2.0"));
    assertThat(precedence("2")).isGreaterThan(precedence("1.99.99"));
    assertThat(precedence("1.0.0-rc.99999999999999999999"))
        .isGreaterThan(precedence("1.0.0-rc.9999999999999999999"));
    assertThat(precedence("v2")).isGreaterThan(precedence("v1.9")).isGreaterThan(precedence("9"));
  }

  @Test
  void equalLabelsChooseByTextSoEveryNodeChoosesAlike() {
    assertThat(VersionPrecedence.LABELS.compare("1.0.1+b", "1.0.1")).isPositive();
    assertThat(VersionPrecedence.LABELS.compare("1.0.1", "1.0.1")).isZero();
  }

  private static VersionPrecedence precedence(String label) {
    return VersionPrecedence.of(label);
  }
}
