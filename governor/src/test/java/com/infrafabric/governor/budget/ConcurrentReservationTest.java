package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class ConcurrentReservationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void sixtyFourConcurrentReserversNeverOverspendOneCap() throws InterruptedException {
    String t = freshTenant("race");
    long cap = 5_000;
    rig.budget(t, Window.LIFETIME, cap);
    rig.budget(t + "/p", Window.DAY, cap);

    List<List<Reserved>> perThread =
        Concurrently.run(
            64,
            Duration.ofSeconds(90),
            i ->
                () -> {
                  List<Reserved> mine = new ArrayList<>();
                  for (int n = 0; n < 20; n++) {
                    if (rig.reserve(t + "/p/agent-" + i, 7) instanceof Reserved reserved) {
                      mine.add(reserved);
                    }
                  }
                  return mine;
                });

    List<Reserved> granted = perThread.stream().flatMap(List::stream).toList();
    long held = granted.stream().mapToLong(Reserved::amountMicros).sum();
    assertThat(held).isLessThanOrEqualTo(cap).isGreaterThan(cap - 7);
    assertThat(granted.size()).isEqualTo((int) (cap / 7));
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(held);
    assertThat(rig.usage(t + "/p", Window.DAY).reservedMicros()).isEqualTo(held);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void concurrentCommitsAndReleasesKeepLedgerAndCountersEqual() throws InterruptedException {
    String t = freshTenant("settle");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    rig.budget(t + "/p", Window.MONTH, 1_000_000);

    List<Long> spent =
        Concurrently.run(
            64,
            Duration.ofSeconds(90),
            i ->
                () -> {
                  long mine = 0;
                  for (int n = 0; n < 10; n++) {
                    Reserved reserved = rig.reserved(t + "/p/a" + (i % 5), 100);
                    if ((i + n) % 3 == 0) {
                      rig.release(reserved.id());
                    } else {
                      long actual = 50 + (i * 7 + n * 13) % 100;
                      rig.commit(reserved.id(), actual);
                      mine += actual;
                    }
                  }
                  return mine;
                });

    long expected = spent.stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(expected);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.usage(t + "/p", Window.MONTH).spentMicros()).isEqualTo(expected);
    ReconciliationReport report = rig.reconcile(t);
    assertThat(report.discrepancies()).isEmpty();
    assertThat(report.entriesReplayed())
        .as("the two budget puts, then the calls")
        .isEqualTo(2 + 64 * 10 * 2);
  }
}
