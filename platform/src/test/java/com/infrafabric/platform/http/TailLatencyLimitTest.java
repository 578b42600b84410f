package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The limit steers the p99 of admitted requests to the target: one slow request in a hundred is
 * within it, two are not; it grows only after a whole window within the target while in use.
 */
class TailLatencyLimitTest {

  private static final Duration TARGET = Duration.ofMillis(4);
  private static final long FAST = Duration.ofMillis(1).toNanos();
  private static final long SLOW = Duration.ofMillis(5).toNanos();

  private final TailLatencyLimit limit =
      new TailLatencyLimit(new AdmissionSettings(20, 2, 64, TARGET, Duration.ofSeconds(1)));
  private long now = 1_000_000_000L;

  @Test
  void oneSlowRequestInAHundredKeepsTheLimitAndTheWindowThenGrowsIt() {
    sample(SLOW, 10);
    sample(FAST, 10, TailLatencyLimit.WINDOW - 2);
    assertThat(limit.getLimit()).isEqualTo(20);

    sample(FAST, 10);

    assertThat(limit.getLimit()).isEqualTo(21);
  }

  @Test
  void aSecondSlowRequestInAWindowShrinksTheLimitByATenthAtOnce() {
    sample(FAST, 10, 50);
    sample(SLOW, 10);
    sample(FAST, 10);

    sample(SLOW, 10);

    assertThat(limit.getLimit()).isEqualTo(18);
  }

  @Test
  void aDroppedRequestCountsAsSlow() {
    sample(SLOW, 10);

    limit.onSample(now, FAST, 10, true);

    assertThat(limit.getLimit()).isEqualTo(18);
  }

  @Test
  void aWindowOfFastRequestsWithLessThanHalfTheLimitInUseDoesNotGrowIt() {
    sample(FAST, 9, TailLatencyLimit.WINDOW);

    assertThat(limit.getLimit()).isEqualTo(20);
  }

  @Test
  void slowRequestsMoreThanASecondApartAreNotOneWindows() {
    sample(SLOW, 10);
    now += Duration.ofMillis(1_001).toNanos();

    sample(SLOW, 10);

    assertThat(limit.getLimit()).isEqualTo(20);
  }

  @Test
  void aRequestAfterAQuietSecondFindsTheLimitBackAtItsInitialValue() {
    sample(SLOW, 10, 40);
    assertThat(limit.getLimit()).isEqualTo(2);

    now += Duration.ofMillis(1_001).toNanos();
    sample(FAST, 1);

    assertThat(limit.getLimit()).isEqualTo(20);
  }

  @Test
  void busyTrafficKeepsWhatTheLimitLearned() {
    sample(SLOW, 10, 40);
    now += Duration.ofMillis(900).toNanos();
    sample(FAST, 1);

    assertThat(limit.getLimit()).isEqualTo(2);
  }

  @Test
  void staysWithinItsFloorAndCeiling() {
    sample(SLOW, 10, 200);
    assertThat(limit.getLimit()).isEqualTo(2);

    sample(FAST, 64, 100 * TailLatencyLimit.WINDOW);
    assertThat(limit.getLimit()).isEqualTo(64);
  }

  private void sample(long rtt, int inFlight) {
    sample(rtt, inFlight, 1);
  }

  private void sample(long rtt, int inFlight, int times) {
    for (int i = 0; i < times; i++) {
      limit.onSample(now, rtt, inFlight, false);
      now += 1_000;
    }
  }
}
