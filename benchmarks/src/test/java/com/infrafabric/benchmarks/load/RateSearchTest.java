package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateSearchTest {

  private static final Sustainability CRITERIA = new Sustainability(0.95, 50);

  @Test
  void climbsFromBelowAndBisectsToJustUnderTheCapacity() {
    RateSearch.Outcome outcome = RateSearch.search(100, 3, CRITERIA, capacity(1_000));

    assertThat(outcome.maxRate()).isBetween(950L, 1_000L);
    assertThat(rates(outcome)).startsWith(100L, 150L, 225L);
  }

  @Test
  void descendsWhenTheStartingRateIsAlreadyTooHigh() {
    RateSearch.Outcome outcome = RateSearch.search(5_000, 2, CRITERIA, capacity(300));

    assertThat(outcome.maxRate()).isBetween(200L, 300L);
    assertThat(rates(outcome)).startsWith(5_000L, 5_000L, 3_333L);
  }

  @Test
  void theAnswerIsAMeasuredSustainableRate() {
    RateSearch.Outcome outcome = RateSearch.search(100, 4, CRITERIA, capacity(777));

    assertThat(outcome.steps())
        .filteredOn(RateSearch.Step::sustainable)
        .extracting(step -> step.result().offeredPerSecond())
        .contains(outcome.maxRate())
        .allMatch(rate -> rate <= outcome.maxRate());
  }

  @Test
  void aLatencySpikeAtAKeptUpRateIsMeasuredAgainAndTheSecondStepDecides() {
    Set<Long> spiked = new HashSet<>();
    RateSearch.Trial spikeOnceAt225 =
        rate -> rate == 225 && spiked.add(rate) ? phase(rate, rate, 300) : phase(rate, rate, 1);
    RateSearch.Trial trial = rate -> rate <= 1_000 ? spikeOnceAt225.run(rate) : phase(rate, 0, 1);

    RateSearch.Outcome outcome = RateSearch.search(100, 3, CRITERIA, trial);

    assertThat(rates(outcome)).startsWith(100L, 150L, 225L, 225L, 338L);
    assertThat(outcome.maxRate()).isBetween(950L, 1_000L);
  }

  @Test
  void aColdFirstStepThatFellBehindIsMeasuredAgainAndDoesNotSendTheSearchDown() {
    AtomicInteger steps = new AtomicInteger();
    RateSearch.Trial trial =
        rate ->
            steps.getAndIncrement() == 0 ? phase(rate, rate * 0.5, 900) : capacity(1_000).run(rate);

    RateSearch.Outcome outcome = RateSearch.search(100, 3, CRITERIA, trial);

    assertThat(rates(outcome)).startsWith(100L, 100L, 150L);
    assertThat(outcome.maxRate()).isBetween(950L, 1_000L);
  }

  @Test
  void aFailingStepIsConfirmedBeforeItNarrowsTheBracketButNotDuringADescent() {
    RateSearch.Outcome outcome =
        RateSearch.search(100, 3, CRITERIA, rate -> phase(rate, rate <= 50 ? rate : rate * 0.5, 1));

    assertThat(rates(outcome)).containsExactly(100L, 100L, 66L, 44L, 55L, 55L, 49L, 52L, 52L);
    assertThat(outcome.maxRate()).isEqualTo(49L);
  }

  @Test
  void reportsZeroWhenNotEvenTheMinimumRateIsSustainable() {
    RateSearch.Outcome outcome = RateSearch.search(100, 3, CRITERIA, rate -> phase(rate, 0, 1));

    assertThat(outcome.maxRate()).isZero();
    assertThat(rates(outcome)).endsWith(RateSearch.MIN_RATE);
  }

  @Test
  void refusesToClimbForever() {
    assertThatThrownBy(() -> RateSearch.search(100, 3, CRITERIA, rate -> phase(rate, rate, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("found no limit within 30 steps from 100/s");
  }

  @Test
  void aGivenRateSkipsTheSearchButIsWarmedUpAtThatRate() {
    List<String> ran = new ArrayList<>();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    RateSearch.Outcome outcome =
        RateSearch.unlessGiven(
            LoadOptions.parse("--smoke", "--max-rate", "40"),
            new PrintStream(progress, true, StandardCharsets.UTF_8),
            100,
            () -> ran.add("search warm-up"),
            rate -> ran.add("warm-up at " + rate),
            rate -> {
              ran.add("step at " + rate);
              return phase(rate, rate, 1);
            });

    assertThat(outcome.maxRate()).isEqualTo(40);
    assertThat(outcome.steps()).isEmpty();
    assertThat(ran).containsExactly("warm-up at 40");
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("no search: --max-rate 40");
  }

  @Test
  void withoutAGivenRateTheSearchWarmsUpThenSteps() {
    List<String> ran = new ArrayList<>();

    RateSearch.unlessGiven(
        LoadOptions.parse("--smoke"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        100,
        () -> ran.add("search warm-up"),
        rate -> ran.add("warm-up at " + rate),
        rate -> {
          ran.add("step");
          return capacity(400).run(rate);
        });

    assertThat(ran).first().isEqualTo("search warm-up");
    assertThat(ran).doesNotContain("warm-up at 100").contains("step");
  }

  /** A system that keeps up to {@code limit} operations a second and falls behind above. */
  private static RateSearch.Trial capacity(long limit) {
    return rate -> rate <= limit ? phase(rate, rate, 1) : phase(rate, limit, 500);
  }

  private static PhaseResult phase(long offered, double achieved, double p99) {
    Latency latency = new Latency(p99 / 2, p99, p99, p99, 100);
    return new PhaseResult(
        "step", offered, achieved, 100, 0, 0, latency, latency, Latency.NONE, "");
  }

  private static List<Long> rates(RateSearch.Outcome outcome) {
    List<Long> rates = new ArrayList<>();
    outcome.steps().forEach(step -> rates.add(step.result().offeredPerSecond()));
    return rates;
  }
}
