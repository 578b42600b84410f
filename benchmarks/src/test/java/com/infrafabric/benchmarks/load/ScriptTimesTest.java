package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The figures one command's slow-log times are summed up in: under load only the slow calls are
 * recorded, and the longest of them is what says whether one call could make a tail by itself.
 */
class ScriptTimesTest {

  @Test
  void timesGiveTheNearestRankPercentilesAndTheLongestCall() {
    List<Long> micros = new ArrayList<>();
    for (long i = 1; i <= 200; i++) {
      micros.add(i);
    }
    Collections.shuffle(micros);

    ScriptTimes.Times times = ScriptTimes.Times.of(micros);

    assertThat(times.calls()).isEqualTo(200);
    assertThat(times.meanMicros()).isEqualTo(100.5);
    assertThat(times.p50Micros()).isEqualTo(100);
    assertThat(times.p99Micros()).isEqualTo(198);
    assertThat(times.maxMicros()).isEqualTo(200);
  }

  @Test
  void oneCallIsItsOwnMedianPercentileAndLongest() {
    ScriptTimes.Times times = ScriptTimes.Times.of(List.of(4_200L));

    assertThat(times.p50Micros()).isEqualTo(4_200);
    assertThat(times.p99Micros()).isEqualTo(4_200);
    assertThat(times.maxMicros()).isEqualTo(4_200);
  }
}
