package com.infrafabric.governor.ledger;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class LedgerTest {

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
  void pagesFollowTheCursorAndFilterBySubtree() {
    String t = freshTenant("ledger");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    for (int i = 0; i < 25; i++) {
      rig.charge(t + (i % 2 == 0 ? "/even/a" : "/odd"), i + 1);
    }

    List<LedgerEntry> even = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      LedgerPage page =
          Await.result(
              rig.ledger.page(
                  t,
                  Scope.parse(t + "/even"),
                  Instant.EPOCH,
                  Instant.now().plusSeconds(60),
                  cursor,
                  5));
      even.addAll(page.entries());
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);

    assertThat(even).hasSize(13);
    assertThat(even).allSatisfy(e -> assertThat(e.scope()).isEqualTo(t + "/even/a"));
    assertThat(even).extracting(LedgerEntry::amountMicros).startsWith(1L, 3L, 5L).endsWith(25L);
    assertThat(pages).isBetween(3, 4);
    assertThat(even.get(0).type()).isEqualTo("charge");
    assertThat(even.get(0).spentWindows()).containsExactly("life", "d20261123", "m202611");
    assertThat(even.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
  }

  @Test
  void aTimeRangeBeforeAnyEntryIsEmpty() {
    String t = freshTenant("ledger-range");
    rig.budget(t, Window.LIFETIME, 1_000);
    rig.charge(t + "/p", 1);

    LedgerPage page =
        Await.result(
            rig.ledger.page(
                t, null, Instant.EPOCH, Instant.parse("2000-01-01T00:00:00Z"), null, 10));

    assertThat(page.entries()).isEmpty();
    assertThat(page.nextCursor()).isNull();
  }
}
