package com.infrafabric.governor.budget;

import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerArchive;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.ledger.LedgerReadSlots;
import com.infrafabric.governor.tenant.CalendarWindows;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recomputes every spent and reserved counter of a tenant from its ledger and reports each
 * difference. The counters and the last ledger id are read in one atomic step, then the ledger is
 * replayed up to that id, so the comparison is exact even while the tenant keeps spending. It also
 * checks the claim path's per-subtree lease sets, which the subtree share counts, against the
 * active leases, read together in one step too ({@link LeaseSets}), and reports each lease a set
 * lacks or holds wrongly. Like the counters, they are reported, not changed: a difference is a bug
 * to find, and what caused it may still be under way.
 *
 * <p>Counters of day and month windows expire some time after their window ends while the ledger
 * keeps everything; such aged-out windows are not reported.
 *
 * <p>A run reads the tenant's whole ledger, so what callers can ask of a node is bounded: callers
 * asking for the same tenant while a run is under way share it, and the runs hold {@link
 * LedgerReadSlots} of a bound of {@value #MAX_RUNNING}, shared fairly between tenants (one more is
 * refused at once with {@code OVERLOADED} and a {@code Retry-After}, never queued): tenants
 * reconciling in a loop cannot shut another tenant out.
 */
public final class Reconciler {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("'d'yyyyMMdd");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("'m'yyyyMM");

  /**
   * Tenants reconciled at once on one node, each run reading a whole ledger, before only tenants
   * under their fair share are (see {@link LedgerReadSlots}: up to twice as many).
   */
  public static final int MAX_RUNNING = 2;

  private final RedisStore redis;
  private final Ledger ledger;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Map<String, Future<ReconciliationReport>> running = new ConcurrentHashMap<>();
  private final LedgerReadSlots slots = new LedgerReadSlots(MAX_RUNNING, "reconciliations");

  /**
   * Runs are counted as {@code governor.reconciliations} by outcome (consistent, mismatch,
   * unreadable: a ledger archive segment could not be read), each from zero, so an alert on a
   * mismatch needs no first occurrence to exist.
   */
  public Reconciler(RedisStore redis, Ledger ledger, Clock clock, MeterRegistry meters) {
    this.redis = redis;
    this.ledger = ledger;
    this.clock = clock;
    this.meters = meters;
    runs("consistent");
    runs("mismatch");
    runs("unreadable");
  }

  private Counter runs(String outcome) {
    return Counter.builder("governor.reconciliations")
        .description("Reconciliations of counters against the ledger by outcome")
        .tag("outcome", outcome)
        .register(meters);
  }

  /** The Lua scripts reconciliation runs (to load at start, check for readiness). */
  public static List<LuaScript> scripts() {
    return List.of(BudgetScripts.USAGE_SNAPSHOT, LeaseSets.SNAPSHOT);
  }

  /**
   * The tenant's reconciliation: the run under way for it if there is one, a new one if the tenant
   * may take a slot (see {@link LedgerReadSlots}), or a failed future with {@code OVERLOADED}
   * otherwise.
   */
  public Future<ReconciliationReport> reconcile(String tenant) {
    Promise<ReconciliationReport> run = Promise.promise();
    Future<ReconciliationReport> underWay = running.putIfAbsent(tenant, run.future());
    if (underWay != null) {
      return underWay;
    }
    slots
        .run(tenant, () -> replayAndCompare(tenant))
        .onComplete(
            done -> {
              running.remove(tenant);
              run.handle(done);
            });
    return run.future();
  }

  private Future<ReconciliationReport> replayAndCompare(String tenant) {
    TenantKeyNames keys = TenantKeyNames.of(tenant);
    return keysMatching(keys, keys.subtreeLeasesPattern(), "0", new LinkedHashSet<>())
        .compose(sets -> leaseSets(keys, sets))
        .compose(
            leaseSets ->
                keysMatching(keys, keys.usagePattern(), "0", new LinkedHashSet<>())
                    .compose(usageKeys -> snapshot(keys, new ArrayList<>(usageKeys)))
                    .compose(snapshot -> compare(tenant, snapshot, leaseSets)))
        .onSuccess(report -> runs(report.consistent() ? "consistent" : "mismatch").increment())
        .onFailure(
            failure -> {
              if (failure instanceof ApiException refused
                  && refused.code().equals(LedgerArchive.ARCHIVE_UNREADABLE)) {
                runs("unreadable").increment();
              }
            });
  }

  private Future<Set<String>> keysMatching(
      TenantKeyNames keys, String pattern, String cursor, Set<String> found) {
    Request scan =
        Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000);
    return redis
        .send(keys.ledger(), scan)
        .compose(
            page -> {
              page.get(1).forEach(key -> found.add(key.toString()));
              String next = page.get(0).toString();
              return "0".equals(next)
                  ? Future.succeededFuture(found)
                  : keysMatching(keys, pattern, next, found);
            });
  }

  private Future<Snapshot> snapshot(TenantKeyNames keys, List<String> usageKeys) {
    List<String> scriptKeys = new ArrayList<>(usageKeys.size() + 1);
    scriptKeys.add(keys.ledger());
    scriptKeys.addAll(usageKeys);
    return redis
        .eval(BudgetScripts.USAGE_SNAPSHOT, scriptKeys, List.of())
        .map(reply -> Snapshot.of(keys, usageKeys, reply));
  }

  private Future<LeaseCheck> leaseSets(TenantKeyNames keys, Set<String> sets) {
    List<String> scriptKeys = new ArrayList<>(sets.size() + 1);
    scriptKeys.add(keys.leaseExpiry());
    scriptKeys.addAll(sets);
    return redis
        .eval(LeaseSets.SNAPSHOT, scriptKeys, List.of(keys.prefix()))
        .map(reply -> new LeaseCheck(reply.get(0).size() / 2, LeaseSets.discrepancies(reply)));
  }

  private Future<ReconciliationReport> compare(
      String tenant, Snapshot snapshot, LeaseCheck leaseSets) {
    Map<Cell, long[]> expected = new HashMap<>();
    return ledger
        .replay(tenant, snapshot.lastId(), entry -> apply(entry, expected))
        .map(
            replayed -> {
              Set<Cell> all = new LinkedHashSet<>(snapshot.counters().keySet());
              all.addAll(expected.keySet());
              List<Discrepancy> differences = new ArrayList<>();
              for (Cell cell : all) {
                long[] counter = snapshot.counters().get(cell);
                if (counter == null && agedOut(cell.windowId())) {
                  continue;
                }
                long[] actual = counter == null ? new long[2] : counter;
                long[] fromLedger = expected.getOrDefault(cell, new long[2]);
                addIfDifferent(cell, "spent", actual[0], fromLedger[0], differences);
                addIfDifferent(cell, "reserved", actual[1], fromLedger[1], differences);
              }
              return new ReconciliationReport(
                  tenant,
                  snapshot.lastId(),
                  replayed,
                  all.size() * 2,
                  differences,
                  leaseSets.checked(),
                  leaseSets.discrepancies());
            });
  }

  /**
   * Adds one entry's deltas to every layer it touched. The sums are exact: counters never exceed
   * {@link Money#MAX_MICROS}, and a sum that overflowed a {@code long} would mean a corrupt ledger,
   * which fails the reconciliation rather than reporting a wrapped number.
   */
  private static void apply(LedgerEntry entry, Map<Cell, long[]> expected) {
    for (Scope layer : Scope.parse(entry.scope()).layers()) {
      for (String window : entry.spentWindows()) {
        add(expected, new Cell(layer.path(), window), 0, entry.spentDeltaMicros());
      }
      for (String window : entry.reservedWindows()) {
        add(expected, new Cell(layer.path(), window), 1, entry.reservedDeltaMicros());
      }
    }
  }

  private static void add(Map<Cell, long[]> expected, Cell cell, int slot, long delta) {
    long[] sums = expected.computeIfAbsent(cell, k -> new long[2]);
    sums[slot] = Math.addExact(sums[slot], delta);
  }

  private static void addIfDifferent(
      Cell cell, String field, long counter, long fromLedger, List<Discrepancy> differences) {
    if (counter != fromLedger) {
      differences.add(new Discrepancy(cell.scope(), cell.windowId(), field, counter, fromLedger));
    }
  }

  /**
   * True if a window's counters are older than what scripts keep (a day of margin either way, since
   * the tenant's zone may differ from UTC).
   */
  private boolean agedOut(String windowId) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    if (windowId.startsWith("d")) {
      return windowId.compareTo(DAY.format(today.minusDays(CalendarWindows.DAYS_KEPT + 1))) < 0;
    }
    if (windowId.startsWith("m")) {
      return windowId.compareTo(MONTH.format(today.minusMonths(CalendarWindows.MONTHS_KEPT + 1)))
          < 0;
    }
    return false;
  }

  /** The active leases of tasks in a subtree checked, and how their subtrees' sets differ. */
  private record LeaseCheck(int checked, List<LeaseSetDiscrepancy> discrepancies) {}

  /** One scope's counters in one window instance. */
  private record Cell(String scope, String windowId) {}

  /** Counter values ({spent, reserved}) by cell, as of ledger entry {@code lastId}. */
  private record Snapshot(String lastId, Map<Cell, long[]> counters) {
    static Snapshot of(TenantKeyNames keys, List<String> usageKeys, Response reply) {
      Map<Cell, long[]> counters = new HashMap<>();
      int prefix = keys.usagePattern().length() - 1;
      for (int i = 0; i < usageKeys.size(); i++) {
        String scope = usageKeys.get(i).substring(prefix);
        Response fields = reply.get(i + 1);
        for (int f = 0; f + 1 < fields.size(); f += 2) {
          String name = fields.get(f).toString();
          int dot = name.lastIndexOf('.');
          int slot = name.endsWith(".s") ? 0 : name.endsWith(".r") ? 1 : -1;
          if (slot >= 0) {
            Cell cell = new Cell(scope, name.substring(0, name.length() - 2));
            counters.computeIfAbsent(cell, k -> new long[2])[slot] = fields.get(f + 1).toLong();
          }
        }
      }
      return new Snapshot(reply.get(0).toString(), counters);
    }
  }
}
