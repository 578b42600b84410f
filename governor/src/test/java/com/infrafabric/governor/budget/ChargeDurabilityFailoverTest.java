package com.infrafabric.governor.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisSettings.Durability;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisSentinelExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Charges keep coming while the master is killed and a replica promoted: under {@code replicated}
 * durability no charge the caller was told about is missing afterwards; under {@code acknowledged}
 * the ones missing are counted, which is what that mode does not promise.
 */
@Timeout(180)
class ChargeDurabilityFailoverTest {

  @RegisterExtension static final RedisSentinelExtension SENTINEL = RedisSentinelExtension.create();

  private static final long MICROS = 7;
  private static final Duration RECOVERY = Duration.ofSeconds(20);

  @Test
  void replicatedDurabilityLosesNoAcknowledgedChargeInAFailover() throws Exception {
    Tally tally = chargeThroughAFailover(Durability.REPLICATED, "replicated");
    assertThat(tally.spentAfter)
        .as("every acknowledged charge survived (%s)", tally)
        .isGreaterThanOrEqualTo(tally.acknowledged.get() * MICROS);
    assertThat(tally.spentAfter)
        .as("and nothing beyond the charges whose outcome was unknown")
        .isLessThanOrEqualTo((tally.acknowledged.get() + tally.unknown.get()) * MICROS);
    System.out.printf("replicated durability through a failover: %s%n", tally);
  }

  @Test
  void acknowledgedDurabilityCountsTheChargesAFailoverLost() throws Exception {
    Tally tally = chargeThroughAFailover(Durability.ACKNOWLEDGED, "acknowledged");
    long lost = Math.max(0, tally.acknowledged.get() - tally.spentAfter / MICROS);
    assertThat(tally.spentAfter)
        .isLessThanOrEqualTo((tally.acknowledged.get() + tally.unknown.get()) * MICROS);
    System.out.printf(
        "acknowledged durability through a failover: %s, acknowledged charges lost: %d%n",
        tally, lost);
  }

  private Tally chargeThroughAFailover(Durability durability, String hint) throws Exception {
    RedisSettings settings =
        RedisSettings.of(SENTINEL.endpoint())
            .withCommandTimeout(GovernorServiceRig.COMMAND_TIMEOUT)
            .withDurability(durability);
    Tally tally = new Tally();
    try (GovernorRig rig = new GovernorRig(settings, MutableClock.at("2026-12-05T10:00:00Z"))) {
      String t = GovernorRig.freshTenant(hint);
      rig.budget(t, Window.LIFETIME, 1_000_000_000L);
      AtomicBoolean running = new AtomicBoolean(true);
      Thread charger =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    rig.charge(t + "/p", MICROS);
                    tally.acknowledged.incrementAndGet();
                  } catch (RedisUnavailableException e) {
                    (e.outcomeUnknown() ? tally.unknown : tally.refused).incrementAndGet();
                  }
                }
              });
      charger.start();
      awaitAcknowledged(tally, 200);
      ManagedRedisServer killed = SENTINEL.killMaster();
      SENTINEL.awaitPromotion(killed, RECOVERY);
      long before = tally.acknowledged.get();
      awaitAcknowledged(tally, before + 100);
      running.set(false);
      charger.join(RECOVERY.toMillis());
      tally.spentAfter = rig.usage(t, Window.LIFETIME).spentMicros();
      SENTINEL.restart(killed);
    }
    return tally;
  }

  /** Polls, with the deadline of a recovery, until the charger has {@code count} answers. */
  private static void awaitAcknowledged(Tally tally, long count) {
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () ->
                assertThat(tally.acknowledged.get())
                    .as(() -> "charges acknowledged again: " + tally + "\n" + SENTINEL.describe())
                    .isGreaterThanOrEqualTo(count));
  }

  private static final class Tally {
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    long spentAfter;

    @Override
    public String toString() {
      return acknowledged
          + " acknowledged, "
          + unknown
          + " outcome unknown, "
          + refused
          + " refused, "
          + spentAfter / MICROS
          + " found after";
    }
  }
}
