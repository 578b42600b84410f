package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class CallAttributionTest {

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
  void reserveAndCommitWriteTheCallersAttributionIntoTheirOwnLedgerEntries() {
    String t = freshTenant("attr");
    rig.budget(t, Window.DAY, 1_000_000);
    Scope scope = Scope.parse(t + "/p");
    CallAttribution started = new CallAttribution("kabc", "openai", -1, "");
    Reserved reserved =
        (Reserved)
            Await.result(
                rig.engine.reserve(
                    new ReserveRequest(scope, Spend.amount(500), null, newKey(), started)));
    CallAttribution finished = new CallAttribution("kabc", "openai", 412, "ok");
    Await.result(
        rig.engine.commit(
            new CommitRequest(
                reserved.id(),
                Spend.amount(300),
                newKey(),
                null,
                ReservationHolder.NONE,
                finished)));

    List<LedgerEntry> entries = rig.ledger(t);
    assertThat(entries).extracting(LedgerEntry::type).containsExactly("reserve", "commit");
    assertThat(entries.get(0).fields())
        .containsEntry("kid", "kabc")
        .containsEntry("prov", "openai")
        .doesNotContainKeys("lat_ms", "out");
    assertThat(entries.get(1).fields())
        .containsAllEntriesOf(Map.of("kid", "kabc", "prov", "openai", "lat_ms", "412", "out", "ok"))
        .containsKey("key");
  }

  @Test
  void aReleaseRecordsWhyTheCallDidNotHappen() {
    String t = freshTenant("attr-rel");
    rig.budget(t, Window.DAY, 1_000_000);
    Reserved reserved = rig.reserved(t + "/p", 500);

    Await.result(
        rig.engine.releaseUnmade(
            reserved.id(),
            newKey(),
            null,
            ReservationHolder.NONE,
            new CallAttribution("kx", "anthropic", 30, "upstream_error"),
            null));

    LedgerEntry release = rig.ledger(t).get(1);
    assertThat(release.type()).isEqualTo("release");
    assertThat(release.fields())
        .containsAllEntriesOf(
            Map.of("kid", "kx", "prov", "anthropic", "lat_ms", "30", "out", "upstream_error"));
  }

  @Test
  void anExpiryOnTheWayIsNotAttributedToTheCallThatTriggeredIt() {
    String t = freshTenant("attr-exp");
    rig.budget(t, Window.DAY, 1_000_000);
    rig.reserved(t + "/p", 100);
    rig.clock.advance(Duration.ofMinutes(10));

    Await.result(
        rig.engine.reserve(
            new ReserveRequest(
                Scope.parse(t + "/p"),
                Spend.amount(50),
                null,
                newKey(),
                new CallAttribution("k2", "openai", -1, ""))));

    List<LedgerEntry> entries = rig.ledger(t);
    assertThat(entries)
        .extracting(LedgerEntry::type)
        .containsExactly("reserve", "expire", "reserve");
    assertThat(entries.get(1).fields()).doesNotContainKeys("kid", "prov");
    assertThat(entries.get(2).fields()).containsEntry("kid", "k2");
  }

  @Test
  void unattributedOperationsWriteNoAttributionFields() {
    String t = freshTenant("attr-none");
    rig.budget(t, Window.DAY, 1_000_000);
    rig.commit(rig.reserved(t + "/p", 100).id(), 80);

    assertThat(rig.ledger(t))
        .allSatisfy(e -> assertThat(e.fields()).doesNotContainKeys("kid", "prov", "lat_ms", "out"));
  }

  @Test
  void attributionThatCouldCorruptTheLedgerIsRefusedBeforeRedis() {
    assertThatThrownBy(() -> new CallAttribution("k 1", "", -1, ""))
        .isInstanceOf(GovernorException.class)
        .extracting(e -> ((GovernorException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThatThrownBy(() -> new CallAttribution("", "", -2, ""))
        .isInstanceOf(GovernorException.class);
    assertThatThrownBy(() -> new CallAttribution("", "", 0, "x".repeat(65)))
        .isInstanceOf(GovernorException.class);
  }
}
