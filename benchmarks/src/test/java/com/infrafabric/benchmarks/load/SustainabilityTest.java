package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SustainabilityTest {

  private static final Sustainability CRITERIA = new Sustainability(0.95, 50);

  @Test
  void aStepThatKeptUpWithinTheBoundIsSustainable() {
    assertThat(CRITERIA.shortfalls(phase(1_000, 960, 49.9, 0, 0))).isEmpty();
  }

  @Test
  void aBacklogThatDrainedAfterTheWindowIsNot() {
    assertThat(CRITERIA.shortfalls(phase(1_000, 900, 10, 0, 0)))
        .containsExactly("achieved 90.0% of the offered rate");
  }

  @Test
  void aP99OverTheBoundIsNot() {
    assertThat(CRITERIA.shortfalls(phase(1_000, 1_000, 50.5, 0, 0)))
        .containsExactly("p99 50.50 ms over the 50 ms bound");
  }

  @Test
  void aSingleFailureOrDropIsNot() {
    assertThat(CRITERIA.shortfalls(phase(1_000, 1_000, 1, 1, 2)))
        .containsExactly(
            "1 failed, first: java.lang.IllegalStateException: POST answered 503",
            "2 dropped at the outstanding bound");
  }

  @Test
  void aStepTheServiceShedAnyOfIsNot() {
    PhaseResult shed = phase(1_000, 1_000, 1, 0, 0);
    shed =
        new PhaseResult(
            shed.name(),
            shed.offeredPerSecond(),
            shed.achievedPerSecond(),
            shed.completed(),
            0,
            0,
            shed.latency(),
            shed.launchLag(),
            new Latency(0.1, 0.2, 0.2, 0.2, 3),
            "");

    assertThat(CRITERIA.shortfalls(shed)).containsExactly("3 refused as overloaded");
  }

  private static PhaseResult phase(
      long offered, double achieved, double p99, long failed, long dropped) {
    Latency latency = new Latency(p99 / 2, p99, p99, p99, 100);
    return new PhaseResult(
        "step",
        offered,
        achieved,
        100,
        failed,
        dropped,
        latency,
        latency,
        Latency.NONE,
        failed == 0 ? "" : "java.lang.IllegalStateException: POST answered 503");
  }
}
