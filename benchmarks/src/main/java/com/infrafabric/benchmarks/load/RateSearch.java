package com.infrafabric.benchmarks.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Finds the maximum sustainable rate (see {@link Sustainability}) by stepping an open-loop rate.
 * From the starting rate it multiplies the rate by {@value #GROWTH} while the step is sustainable
 * (or divides it while it is not) until the outcome flips, which brackets the limit between a
 * sustainable and an unsustainable rate; then it bisects that bracket {@code refinements} times.
 * The answer is the highest rate that was actually measured sustainable, never an interpolation.
 *
 * <p>A step that is not sustainable is measured once more and the second step decides, whatever it
 * missed: on a shared machine a neighbour's burst of a few hundred milliseconds can spoil one
 * step's p99, or put it behind its rate, and a single spoiled step would end the climb (or send the
 * descent) far below the limit. Only a descent does not repeat its failing steps, since a failure
 * there ends nothing: the next, lower step is measured anyway. Callers warm the system up before
 * the search (see {@link LoadOptions#searchWarmup()}), so the first step is not a cold one.
 */
final class RateSearch {

  static final double GROWTH = 1.5;

  /** Below this many operations a second, a step measures too few to decide anything. */
  static final long MIN_RATE = 10;

  /** 1.5^30 is five orders of magnitude: no real system is still sustainable after that. */
  private static final int MAX_STEPS_ONE_WAY = 30;

  /** One open-loop step at a given rate. */
  @FunctionalInterface
  interface Trial {
    PhaseResult run(long ratePerSecond);
  }

  /**
   * One measured step and why it was not sustainable.
   *
   * @param result what the step did
   * @param shortfalls empty when the step was sustainable
   */
  record Step(PhaseResult result, List<String> shortfalls) {
    Step {
      shortfalls = List.copyOf(shortfalls);
    }

    boolean sustainable() {
      return shortfalls.isEmpty();
    }
  }

  /**
   * @param maxRate the highest sustainable rate measured, 0 if not even {@link #MIN_RATE} was
   * @param steps every step, in the order run
   */
  record Outcome(long maxRate, List<Step> steps) {
    Outcome {
      steps = List.copyOf(steps);
    }
  }

  private final Sustainability criteria;
  private final Trial trial;
  private final List<Step> steps = new ArrayList<>();
  private long good;
  private long bad = Long.MAX_VALUE;
  private boolean confirmFailures = true;

  private RateSearch(Sustainability criteria, Trial trial) {
    this.criteria = criteria;
    this.trial = trial;
  }

  /**
   * The maximum rate a harness measures at: {@code --max-rate} when it names one (no search; said
   * on {@code progress}), after {@code warmUpAt} that rate; else the outcome of {@code warmUp} and
   * then a search from {@code startRate} with the options' refinements and criteria.
   *
   * <p>A given rate still needs its warm-up: the search's steps are what compiles the path under
   * concurrent load (the open loop, connections opened as the client's pool grows, refusals), and
   * without them the first measured phase paid the JIT: 2 to 4 s of compilation in the claim
   * harness's first open-loop phase of 13 s, and 2.5 s in the charge harness's {@code half} (p99
   * 9.9-13.9 ms against 4.3-9.5 ms at the same rate later in the same runs, 2026-12-06).
   */
  static Outcome unlessGiven(
      LoadOptions options,
      PrintStream progress,
      long startRate,
      Runnable warmUp,
      LongConsumer warmUpAt,
      Trial trial) {
    if (options.maxRate() > 0) {
      progress.println("no search: --max-rate " + options.maxRate() + " taken as the maximum");
      warmUpAt.accept(options.maxRate());
      return new Outcome(options.maxRate(), List.of());
    }
    warmUp.run();
    return search(startRate, options.refinements(), options.sustainability(), trial);
  }

  /** Searches from {@code startRate} (at least {@link #MIN_RATE}); runs trials one at a time. */
  static Outcome search(long startRate, int refinements, Sustainability criteria, Trial trial) {
    RateSearch search = new RateSearch(criteria, trial);
    search.bracket(Math.max(MIN_RATE, startRate));
    search.bisect(refinements);
    return new Outcome(search.good, search.steps);
  }

  private void bracket(long startRate) {
    long rate = startRate;
    boolean ascending = step(rate);
    confirmFailures = ascending;
    for (int taken = 1; !bracketed(ascending, rate); taken++) {
      if (taken == MAX_STEPS_ONE_WAY) {
        throw new IllegalStateException(
            "the rate search found no limit within "
                + MAX_STEPS_ONE_WAY
                + " steps from "
                + startRate
                + "/s; the last step ran "
                + rate
                + "/s");
      }
      rate =
          ascending ? (long) Math.ceil(rate * GROWTH) : Math.max(MIN_RATE, (long) (rate / GROWTH));
      step(rate);
    }
  }

  /** A climb ends at its first unsustainable step, a descent at its first sustainable one. */
  private boolean bracketed(boolean ascending, long rate) {
    return ascending ? bad != Long.MAX_VALUE : good != 0 || rate <= MIN_RATE;
  }

  private void bisect(int refinements) {
    confirmFailures = true;
    for (int i = 0; i < refinements && good != 0 && bad - good > 1; i++) {
      step((good + bad) / 2);
    }
  }

  /**
   * Runs a step at {@code rate} (twice if it failed, unless the search is descending, where a
   * failure ends nothing) and narrows the bracket.
   */
  private boolean step(long rate) {
    Step step = measure(rate);
    if (!step.sustainable() && confirmFailures) {
      step = measure(rate);
    }
    if (step.sustainable()) {
      good = Math.max(good, rate);
    } else {
      bad = Math.min(bad, rate);
    }
    return step.sustainable();
  }

  private Step measure(long rate) {
    PhaseResult result = trial.run(rate);
    Step step = new Step(result, criteria.shortfalls(result));
    steps.add(step);
    return step;
  }
}
