package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.Outcome;
import com.infrafabric.platform.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WatchdogTest {

  @Test
  void interruptsAGuestWhenTheInjectedClockPassesItsDeadline() throws Exception {
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    try (Watchdog watchdog = new Watchdog(clock, Duration.ofMillis(1))) {
      CountDownLatch watching = new CountDownLatch(1);
      CompletableFuture<Outcome> stopped =
          CompletableFuture.supplyAsync(
              () -> {
                try (Watchdog.Watch watch =
                    watchdog.watchCurrentThread(
                        clock.instant().plus(Duration.ofHours(1)), Duration.ofHours(1))) {
                  watching.countDown();
                  while (!Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait();
                  }
                  return watch.stoppedBy();
                }
              });
      assertThat(watching.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stopped).isNotDone();
      clock.advance(Duration.ofHours(2));
      assertThat(stopped.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.TIMEOUT);
    }
  }

  @Test
  void closingAWatchClearsTheInterruptSoThePoolThreadCanBeReused() throws Exception {
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    try (Watchdog watchdog = new Watchdog(clock, Duration.ofMillis(1))) {
      boolean interruptedAfterClose =
          CompletableFuture.supplyAsync(
                  () -> {
                    Watchdog.Watch watch =
                        watchdog.watchCurrentThread(clock.instant(), Duration.ofHours(1));
                    while (!Thread.currentThread().isInterrupted()) {
                      Thread.onSpinWait();
                    }
                    watch.close();
                    return Thread.currentThread().isInterrupted();
                  })
              .get(10, TimeUnit.SECONDS);
      assertThat(interruptedAfterClose).isFalse();
    }
  }
}
