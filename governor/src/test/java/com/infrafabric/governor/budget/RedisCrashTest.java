package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.redis.ManagedRedisServer.AppendFsync;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills redis-server with SIGKILL in the middle of a load of reservations: every reservation the
 * engine acknowledged must be there after the restart, and the counters must still equal the
 * ledger.
 */
@Timeout(120)
class RedisCrashTest {

  @RegisterExtension
  static final RedisServerExtension REDIS =
      RedisServerExtension.withAppendFsync(AppendFsync.ALWAYS);

  @Test
  void noAcknowledgedReservationIsLostToAKillDashNine() throws InterruptedException {
    String t = freshTenant("crash");
    AtomicInteger acknowledged = new AtomicInteger();
    List<List<ReservationId>> perThread;
    try (GovernorRig rig =
        new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"))) {
      rig.budget(t, Window.LIFETIME, 1_000_000_000);
      Thread killer =
          new Thread(
              () -> {
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.get() >= 300);
                REDIS.killHard();
              });
      killer.start();
      perThread =
          Concurrently.run(
              8,
              Duration.ofSeconds(60),
              i ->
                  () -> {
                    List<ReservationId> mine = new ArrayList<>();
                    while (true) {
                      try {
                        mine.add(rig.reserved(t + "/p/a" + i, 10).id());
                        acknowledged.incrementAndGet();
                      } catch (RedisUnavailableException | CompletionException down) {
                        return mine;
                      }
                    }
                  });
      killer.join();
    }

    REDIS.restart();

    try (GovernorRig rig =
        new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"))) {
      Set<String> acked =
          perThread.stream()
              .flatMap(List::stream)
              .map(Object::toString)
              .collect(Collectors.toSet());
      Set<String> inLedger =
          allEntries(rig, t).stream()
              .filter(e -> e.type().equals("reserve"))
              .map(LedgerEntry::reference)
              .collect(Collectors.toSet());
      assertThat(acked).hasSizeGreaterThanOrEqualTo(300);
      assertThat(inLedger).containsAll(acked);
      assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(10L * inLedger.size());
      assertThat(rig.reconcile(t).discrepancies()).isEmpty();
      Reserved after = rig.reserved(t + "/p", 10);
      assertThat(after.amountMicros()).isEqualTo(10);
    }
  }

  private static List<LedgerEntry> allEntries(GovernorRig rig, String tenant) {
    List<LedgerEntry> all = new ArrayList<>();
    String cursor = null;
    do {
      var page =
          com.infrafabric.platform.testing.Await.result(
              rig.ledger.page(
                  tenant,
                  null,
                  java.time.Instant.EPOCH,
                  java.time.Instant.now().plusSeconds(60),
                  cursor,
                  1000));
      all.addAll(page.entries());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }
}
