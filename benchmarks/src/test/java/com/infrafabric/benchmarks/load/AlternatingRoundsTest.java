package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.benchmarks.load.AlternatingRounds.Sides;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AlternatingRoundsTest {

  private static final Duration NONE = Duration.ZERO;

  @Test
  void eachSideIsTimedOnItsOwnAndBothShareTheSpan() {
    List<Character> turns = new ArrayList<>();
    Supplier<Future<?>> slow = () -> sideTakes('s', turns, Duration.ofMillis(2));
    Supplier<Future<?>> fast = () -> sideTakes('f', turns, NONE);

    Sides sides = AlternatingRounds.measure(slow, fast, NONE, Duration.ofMillis(1_000));

    assertThat(sides.first().p50Millis()).isGreaterThanOrEqualTo(2.0);
    assertThat(sides.second().p50Millis()).isLessThan(1.0);
    // Five rounds of each in one second: every side ran in turn, not one after the other.
    assertThat(switches(turns)).isBetween(9, 11);
  }

  @Test
  void theWarmUpIsNotRecorded() {
    List<Character> turns = new ArrayList<>();
    Supplier<Future<?>> side = () -> sideTakes('a', turns, Duration.ofMillis(1));

    Sides sides =
        AlternatingRounds.measure(side, side, Duration.ofMillis(400), Duration.ofMillis(200));

    assertThat(sides.first().count() + sides.second().count()).isLessThan(turns.size() / 2);
  }

  @Test
  void aFailedOperationFailsTheMeasurement() {
    Supplier<Future<?>> failing = () -> Future.failedFuture(new IllegalStateException("refused"));

    assertThatThrownBy(
            () -> AlternatingRounds.measure(failing, failing, NONE, Duration.ofMillis(100)))
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("refused");
  }

  private static Future<?> sideTakes(char side, List<Character> turns, Duration time) {
    turns.add(side);
    if (!time.isZero()) {
      LockSupport.parkNanos(time.toNanos());
    }
    return Future.succeededFuture();
  }

  private static int switches(List<Character> turns) {
    int switches = 0;
    for (int i = 1; i < turns.size(); i++) {
      if (!turns.get(i).equals(turns.get(i - 1))) {
        switches++;
      }
    }
    return switches;
  }
}
