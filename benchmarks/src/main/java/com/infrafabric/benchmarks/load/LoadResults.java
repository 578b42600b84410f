package com.infrafabric.benchmarks.load;

import java.util.List;

/**
 * Everything one run measured.
 *
 * @param machine where it ran
 * @param options how it ran
 * @param raw the raw EVALSHA reserve+commit baseline (closed loop)
 * @param search every step of the search for the maximum sustainable HTTP rate
 * @param half the open-loop HTTP phase at half the maximum sustainable rate
 * @param max the open-loop HTTP phase at the maximum sustainable rate, measured again for longer
 */
record LoadResults(
    Machine machine,
    LoadOptions options,
    PhaseResult raw,
    RateSearch.Outcome search,
    PhaseResult half,
    PhaseResult max) {

  /** The targets of issue 3: p99 ≤ 2 ms at half the max rate, < 10 ms at it, ≥ 25% of raw. */
  List<Target> targets() {
    return List.of(
        new Target("p99 at half the max rate", half.latency().p99Millis(), 2, "ms", false),
        new Target("p99 at the max rate", max.latency().p99Millis(), 10, "ms", false),
        new Target(
            "max rate / raw rate",
            100 * search.maxRate() / raw.achievedPerSecond(),
            25,
            "%",
            true));
  }
}
