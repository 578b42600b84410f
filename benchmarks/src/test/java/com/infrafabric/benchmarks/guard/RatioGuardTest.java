package com.infrafabric.benchmarks.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatioGuardTest {

  private static Ratio ratio(String name, double value) {
    return new Ratio(name, value, 1.0, "us", 2.0);
  }

  @Test
  void aRatioPastItsThresholdInBothMeasurementsIsARegression() {
    List<Ratio> first = List.of(ratio("a", 1.0), ratio("b", 5.0));
    List<Ratio> second = List.of(ratio("a", 1.0), ratio("b", 2.5));

    assertThat(RatioGuard.regressedInBoth(first, second)).isTrue();
  }

  @Test
  void aBurstThatDoesNotRepeatAtTheSameRatioIsNot() {
    List<Ratio> first = List.of(ratio("a", 3.0), ratio("b", 1.0));
    List<Ratio> second = List.of(ratio("a", 1.5), ratio("b", 3.0));

    assertThat(RatioGuard.regressedInBoth(first, second)).isFalse();
  }
}
