package com.infrafabric.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark for a moment in-process, so that CI notices when one no longer starts or
 * throws; the figures of such a short run mean nothing.
 */
class BenchmarkSmokeTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyBenchmarkRunsToCompletion() throws Exception {
    Options options =
        new OptionsBuilder()
            .include("com\\.infrafabric\\..*Benchmark")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(500))
            .threads(2)
            // The smallest registry: setting up 10,000 agents proves nothing more here.
            .param("agents", "100")
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    assertThat(results).isNotEmpty();
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }
}
