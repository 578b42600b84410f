package com.infrafabric.governor.ledger;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.budget.ReconciliationReport;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archiving moves old ledger entries out of Redis into checksummed segment files, and
 * reconciliation still sees every entry: the archived ones, then those left in the stream.
 */
@Timeout(60)
class LedgerArchiveTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** Stream ids carry Redis's real time; an hour ahead of it, everything is old enough. */
  private static final Clock AN_HOUR_AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

  @TempDir Path root;

  private GovernorRig rig;
  private LedgerArchive archive;
  private Reconciler reconciler;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    archive = new LedgerArchive(rig.vertx, rig.redis, root, AN_HOUR_AHEAD);
    meters = new SimpleMeterRegistry();
    reconciler = new Reconciler(rig.redis, new Ledger(rig.redis, archive), rig.clock, meters);
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  /**
   * A reconciliation reads a tenant's whole history, archive and stream, so what callers may ask of
   * one node is bounded: asking again for a tenant under way joins its run, and runs share {@link
   * Reconciler#MAX_RUNNING} slots fairly between tenants (up to twice as many for tenants under
   * their fair share), past which the next is refused at once, never queued.
   *
   * <p>Regression: two tenants' runs held both of a node's slots, so while their auditors looped a
   * third tenant was refused every time; it is served now.
   */
  @Test
  void callersOfOneTenantShareARunAThirdTenantIsServedAndPastTheBoundTheNextIsRefused() {
    int served = 2 * Reconciler.MAX_RUNNING;
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i <= served; i++) {
      String tenant = freshTenant("reconcile");
      rig.budget(tenant, Window.DAY, 1_000_000);
      rig.reserved(tenant + "/p", 100);
      tenants.add(tenant);
    }

    // Asked in one go on an event loop, before any run has had a reply from Redis.
    Promise<List<Future<ReconciliationReport>>> asked = Promise.promise();
    rig.vertx
        .getOrCreateContext()
        .runOnContext(
            on -> {
              List<Future<ReconciliationReport>> runs = new ArrayList<>();
              for (String tenant : tenants) {
                runs.add(reconciler.reconcile(tenant));
              }
              runs.add(reconciler.reconcile(tenants.get(0)));
              asked.complete(runs);
            });
    List<Future<ReconciliationReport>> first = Await.result(asked.future());
    Future<ReconciliationReport> again = first.remove(first.size() - 1);

    assertThat(again).isSameAs(first.get(0));
    Future<ReconciliationReport> refused = first.get(served);
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
              assertThat(e.retryAfter()).isPresent();
            });
    for (int i = 0; i < served; i++) {
      assertThat(Await.result(first.get(i)).consistent()).as("tenant %d", i).isTrue();
    }
    assertThat(Await.result(reconciler.reconcile(tenants.get(served))).consistent())
        .as("once the runs ended, the refused tenant's is served")
        .isTrue();
  }

  @Test
  void archivedEntriesLeaveRedisAndReconciliationStillCountsThem() {
    String t = freshTenant("archive");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 30);

    assertThat(archive(t, Duration.ofMinutes(1))).as("the budget put and 30 charges").isEqualTo(31);
    assertThat(streamLength(t)).isZero();
    assertConsistent(t, 30);

    charge(t, 5);
    assertConsistent(t, 35);
    assertThat(archive(t, Duration.ofMinutes(1))).isEqualTo(5);
    assertThat(archive(t, Duration.ofMinutes(1))).as("nothing left to move").isZero();
    assertThat(segments(t)).hasSize(2);
    assertConsistent(t, 35);
  }

  @Test
  void entriesYoungerThanTheAgeStay() {
    String t = freshTenant("archive-young");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 3);

    assertThat(archive(t, Duration.ofHours(2))).isZero();
    assertThat(streamLength(t)).as("the budget put and 3 charges").isEqualTo(4);
    assertThat(segments(t)).isEmpty();
  }

  @Test
  void aSegmentThatNoLongerMatchesItsChecksumFailsTheReplayNamingIt() throws Exception {
    String t = freshTenant("archive-tampered");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 4);
    archive(t, Duration.ofMinutes(1));
    Path segment = segments(t).get(0);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 1;
    Files.write(segment, bytes);

    assertThatThrownBy(() -> Await.result(reconciler.reconcile(t)))
        .isInstanceOfSatisfying(
            ApiException.class,
            unreadable -> {
              assertThat(unreadable.code()).isEqualTo(LedgerArchive.ARCHIVE_UNREADABLE);
              assertThat(unreadable.getMessage())
                  .contains(t + "/" + segment.getFileName(), "does not match its checksum");
            });
    // Regression: a failed run was counted nowhere, and no alert could see it.
    assertThat(
            meters.get("governor.reconciliations").tag("outcome", "unreadable").counter().count())
        .isEqualTo(1);
  }

  @Test
  void oneCursorPagesThroughTheArchiveThenTheStreamWithoutGapsOrRepeats() {
    String t = freshTenant("archive-pages");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 12);
    archive(t, Duration.ofMinutes(1));
    charge(t, 9);
    Ledger ledger = new Ledger(rig.redis, archive);

    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      LedgerPage page = Await.result(ledger.page(t, null, null, null, cursor, 5));
      page.entries().forEach(entry -> ids.add(entry.id()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null && pages < 20);

    assertThat(ids)
        .as("the budget put, 12 charges archived, 9 in the stream")
        .hasSize(22)
        .doesNotHaveDuplicates()
        .isSortedAccordingTo(LedgerArchive::compareIds);
    assertThat(ids.subList(0, 13))
        .as("the archived entries come first")
        .containsExactlyElementsOf(replayedIds(t).subList(0, 13));
  }

  @Test
  void aSubtreeFilterAppliesToArchivedEntriesToo() {
    String t = freshTenant("archive-filter");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    for (int i = 0; i < 6; i++) {
      rig.charge(t + (i % 2 == 0 ? "/even" : "/odd"), i + 1);
    }
    archive(t, Duration.ofMinutes(1));
    rig.charge(t + "/even", 7);

    LedgerPage page =
        Await.result(
            new Ledger(rig.redis, archive)
                .page(t, Scope.parse(t + "/even"), null, null, null, 100));

    assertThat(page.entries())
        .extracting(LedgerEntry::amountMicros)
        .containsExactly(1L, 3L, 5L, 7L);
    assertThat(page.nextCursor()).isNull();
  }

  @Test
  void anArchivePageStopsAfterTheScanBoundAndSaysWhereItStopped() {
    String t = freshTenant("archive-scan-bound");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 10);
    archive(t, Duration.ofMinutes(1));
    List<String> archived = replayedIds(t);

    LedgerArchive.ArchivedPage page =
        Await.result(archive.page(t, new IdRange("-", "+"), entry -> false, 100, 4));

    assertThat(page.entries()).isEmpty();
    assertThat(page.scannedTo()).as("the fourth entry examined").isEqualTo(archived.get(3));
    LedgerArchive.ArchivedPage unbounded =
        Await.result(archive.page(t, new IdRange("-", "+"), entry -> true, 100, 100));
    assertThat(unbounded.entries()).hasSize(archived.size());
    assertThat(unbounded.scannedTo()).as("the bound was not reached").isNull();
  }

  @Test
  void aSegmentChangedAfterAPageReadItFailsTheNextPage() throws Exception {
    String t = freshTenant("archive-tampered-later");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 5);
    archive(t, Duration.ofMinutes(1));
    IdRange all = new IdRange("-", "+");
    assertThat(Await.result(archive.page(t, all, entry -> true, 100, 100)).entries())
        .as("the budget put and 5 charges")
        .hasSize(6);
    Path segment = segments(t).get(0);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 1;
    Files.write(segment, bytes);
    Files.setLastModifiedTime(
        segment, FileTime.fromMillis(Files.getLastModifiedTime(segment).toMillis() + 1000));

    assertThatThrownBy(() -> Await.result(archive.page(t, all, entry -> true, 100, 100)))
        .isInstanceOfSatisfying(
            ApiException.class,
            unreadable ->
                assertThat(unreadable.getMessage()).contains(segment.getFileName().toString()));
  }

  @Test
  void whileOneNodeHoldsATenantsArchiveLeaseAnotherLeavesTheTenantAlone() {
    String t = freshTenant("archive-lease");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    charge(t, 4);
    LedgerArchiver first =
        new LedgerArchiver(rig.redis, archive, Duration.ofMinutes(1), Duration.ofMinutes(1));
    LedgerArchiver second =
        new LedgerArchiver(rig.redis, archive, Duration.ofMinutes(1), Duration.ofMinutes(1));

    assertThat(Await.result(first.archiveIfLeased(t)))
        .as("the budget put and 4 charges")
        .isEqualTo(5);
    charge(t, 2);
    assertThat(Await.result(second.archiveIfLeased(t))).as("the lease is held").isZero();
    assertThat(streamLength(t)).isEqualTo(2);

    Await.result(rig.redis.send(Request.cmd(Command.DEL).arg(Ledger.archiverLeaseKey(t))));
    assertThat(Await.result(second.archiveIfLeased(t))).as("once it lapsed").isEqualTo(2);
    assertConsistent(t, 6);
  }

  private List<String> replayedIds(String tenant) {
    List<String> ids = new ArrayList<>();
    Await.result(new Ledger(rig.redis, archive).replay(tenant, "+", entry -> ids.add(entry.id())));
    return ids;
  }

  private void charge(String tenant, int times) {
    for (int i = 0; i < times; i++) {
      rig.charge(tenant + "/p", i + 1);
    }
  }

  private int archive(String tenant, Duration age) {
    return Await.result(archive.archiveOlderThan(tenant, age));
  }

  /** Reconciles the tenant, whose ledger holds its budget put and then {@code charges} charges. */
  private void assertConsistent(String tenant, long charges) {
    ReconciliationReport report = Await.result(reconciler.reconcile(tenant));
    assertThat(report.consistent()).as(report.toString()).isTrue();
    assertThat(report.entriesReplayed()).isEqualTo(1 + charges);
  }

  private long streamLength(String tenant) {
    return Await.result(rig.redis.send(Request.cmd(Command.XLEN).arg(Ledger.key(tenant)))).toLong();
  }

  private List<Path> segments(String tenant) {
    Path directory = root.resolve(tenant);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(LedgerArchive.SUFFIX)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
