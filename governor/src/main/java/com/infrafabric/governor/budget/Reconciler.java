package com.infrafabric.governor.budget;

import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recomputes every spent and reserved counter of a tenant from its ledger and reports each
 * difference. The counters and the last ledger id are read in one atomic step, then the ledger is
 * replayed up to that id, so the comparison is exact even while the tenant keeps spending.
 *
 * <p>Counters of day and month windows expire some time after their window ends while the ledger
 * keeps everything; such aged-out windows are not reported.
 */
public final class Reconciler {

  static final LuaScript SNAPSHOT = LuaScript.fromResource(Reconciler.class, "usage_snapshot");

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  private final RedisStore redis;
  private final Ledger ledger;
  private final Clock clock;

  public Reconciler(RedisStore redis, Ledger ledger, Clock clock) {
    this.redis = redis;
    this.ledger = ledger;
    this.clock = clock;
  }

  public Future<ReconciliationReport> reconcile(String tenant) {
    BudgetKeys keys = BudgetKeys.of(tenant);
    return usageKeys(keys, "0", new LinkedHashSet<>())
        .compose(usageKeys -> snapshot(keys, new ArrayList<>(usageKeys)))
        .compose(snapshot -> compare(tenant, keys, snapshot));
  }

  private Future<Set<String>> usageKeys(BudgetKeys keys, String cursor, Set<String> found) {
    Request scan =
        Request.cmd(Command.SCAN)
            .arg(cursor)
            .arg("MATCH")
            .arg(keys.prefix() + "u:*")
            .arg("COUNT")
            .arg(1000);
    return redis
        .send(scan)
        .compose(
            page -> {
              page.get(1).forEach(key -> found.add(key.toString()));
              String next = page.get(0).toString();
              return "0".equals(next)
                  ? Future.succeededFuture(found)
                  : usageKeys(keys, next, found);
            });
  }

  private Future<Snapshot> snapshot(BudgetKeys keys, List<String> usageKeys) {
    List<String> scriptKeys = new ArrayList<>(usageKeys.size() + 1);
    scriptKeys.add(keys.ledger());
    scriptKeys.addAll(usageKeys);
    return redis.eval(SNAPSHOT, scriptKeys, List.of()).map(reply -> Snapshot.of(usageKeys, reply));
  }

  private Future<ReconciliationReport> compare(String tenant, BudgetKeys keys, Snapshot snapshot) {
    Map<String, long[]> expected = new HashMap<>();
    return ledger
        .replay(tenant, snapshot.lastId(), entry -> apply(keys, entry, expected))
        .map(
            replayed -> {
              Set<String> all = new LinkedHashSet<>(snapshot.counters().keySet());
              all.addAll(expected.keySet());
              List<Discrepancy> differences = new ArrayList<>();
              for (String key : all) {
                long[] counter = snapshot.counters().get(key);
                long[] fromLedger = expected.getOrDefault(key, new long[2]);
                if (counter == null && agedOut(keys, key)) {
                  continue;
                }
                long[] actual = counter == null ? new long[2] : counter;
                addIfDifferent(keys, key, "spent", actual[0], fromLedger[0], differences);
                addIfDifferent(keys, key, "reserved", actual[1], fromLedger[1], differences);
              }
              return new ReconciliationReport(
                  tenant, snapshot.lastId(), replayed, all.size() * 2, differences);
            });
  }

  private static void apply(BudgetKeys keys, LedgerEntry entry, Map<String, long[]> expected) {
    for (Scope layer : Scope.parse(entry.scope()).layers()) {
      for (String window : entry.spentWindows()) {
        expected.computeIfAbsent(keys.usage(layer, window), k -> new long[2])[0] +=
            entry.spentDeltaMicros();
      }
      for (String window : entry.reservedWindows()) {
        expected.computeIfAbsent(keys.usage(layer, window), k -> new long[2])[1] +=
            entry.reservedDeltaMicros();
      }
    }
  }

  private static void addIfDifferent(
      BudgetKeys keys,
      String key,
      String field,
      long counter,
      long fromLedger,
      List<Discrepancy> differences) {
    if (counter != fromLedger) {
      String[] scopeAndWindow = key.substring(keys.prefix().length() + 2).split("\\|", 2);
      differences.add(
          new Discrepancy(scopeAndWindow[0], scopeAndWindow[1], field, counter, fromLedger));
    }
  }

  /** True if a missing counter belongs to a window that ended long enough ago to have expired. */
  private boolean agedOut(BudgetKeys keys, String key) {
    String window = key.substring(key.lastIndexOf('|') + 1);
    Instant now = clock.instant();
    if (window.startsWith("d")) {
      LocalDate day = LocalDate.parse(window.substring(1), DAY);
      return day.plusDays(2)
          .atStartOfDay(ZoneOffset.UTC)
          .toInstant()
          .plus(CalendarWindows.DAY_RETENTION)
          .isBefore(now);
    }
    if (window.startsWith("m")) {
      LocalDate month = LocalDate.parse(window.substring(1) + "01", DAY);
      return month
          .plusMonths(1)
          .plusDays(1)
          .atStartOfDay(ZoneOffset.UTC)
          .toInstant()
          .plus(CalendarWindows.MONTH_RETENTION)
          .isBefore(now);
    }
    return false;
  }

  /** Counter values ({spent, reserved}) by key, as of ledger entry {@code lastId}. */
  private record Snapshot(String lastId, Map<String, long[]> counters) {
    static Snapshot of(List<String> usageKeys, Response reply) {
      Map<String, long[]> counters = new HashMap<>();
      for (int i = 0; i < usageKeys.size(); i++) {
        counters.put(
            usageKeys.get(i),
            new long[] {reply.get(1 + 2 * i).toLong(), reply.get(2 + 2 * i).toLong()});
      }
      return new Snapshot(reply.get(0).toString(), counters);
    }
  }
}
