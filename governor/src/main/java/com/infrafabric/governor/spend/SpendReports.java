package com.infrafabric.governor.spend;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.ledger.LedgerReadSlots;
import com.infrafabric.governor.tenant.Scope;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Spend reports read from the ledger (and its archive, through {@link Ledger#scan}): every commit
 * and charge of the subtree recorded in the range, summed per group. The ledger is the record the
 * counters are reconciled against, and an entry's recorded time is the clock that chose its
 * windows, so a report from one window boundary to another agrees with the budgets to the
 * micro-dollar.
 *
 * <p>Work is bounded: a query covers at most {@link SpendQuery#MAX_RANGE}, holds at most {@link
 * #MAX_ENTRIES} entries (and reads at most twice that, {@link Ledger#scan}) and answers at most
 * {@link #MAX_ROWS} groups; beyond either it fails with {@code REPORT_TOO_LARGE}, before anything
 * is answered. A node runs {@value #MAX_RUNNING} reports at once, shared fairly between tenants
 * ({@link LedgerReadSlots}); one more fails at once with {@code OVERLOADED} and a {@code
 * Retry-After}, never queued. Thread-safe.
 */
public final class SpendReports {

  /** Ledger entries one report reads at most. */
  public static final long MAX_ENTRIES = 200_000;

  /** Groups one report answers at most. */
  public static final int MAX_ROWS = 10_000;

  /**
   * Reports one node reads at once, each up to {@link #MAX_ENTRIES} entries, before only tenants
   * under their fair share are served (see {@link LedgerReadSlots}: up to twice as many).
   */
  public static final int MAX_RUNNING = 2;

  /** Groups compare dimension by dimension. */
  private static final Comparator<List<String>> GROUP_ORDER =
      (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
          int c = a.get(i).compareTo(b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return 0;
      };

  private final Ledger ledger;
  private final LedgerReadSlots slots = new LedgerReadSlots(MAX_RUNNING, "spend reports");

  public SpendReports(Ledger ledger) {
    this.ledger = ledger;
  }

  public Future<SpendReport> report(SpendQuery query) {
    return slots.run(query.within().tenant(), () -> read(query));
  }

  private Future<SpendReport> read(SpendQuery query) {
    Scope within = query.within();
    Map<List<String>, long[]> groups = new TreeMap<>(GROUP_ORDER);
    long[] inSubtree = {0};
    return ledger
        .scan(
            within.tenant(),
            query.from(),
            query.to(),
            MAX_ENTRIES,
            entry -> {
              if (Scope.parse(entry.scope()).isWithin(within)) {
                inSubtree[0]++;
                if (isSpend(entry)) {
                  add(groups, query.groupBy(), entry);
                }
              }
            })
        .map(
            scanned ->
                new SpendReport(
                    within.path(),
                    query.from(),
                    query.to(),
                    query.groupBy(),
                    rows(groups),
                    inSubtree[0]));
  }

  /** Commits and charges move money into the spent counters; nothing else does. */
  private static boolean isSpend(LedgerEntry entry) {
    return "commit".equals(entry.type()) || "charge".equals(entry.type());
  }

  private static void add(
      Map<List<String>, long[]> groups, List<SpendDimension> groupBy, LedgerEntry entry) {
    List<String> group = groupBy.stream().map(d -> d.of(entry)).toList();
    long[] sums = groups.get(group);
    if (sums == null) {
      if (groups.size() == MAX_ROWS) {
        throw new GovernorException(
            ErrorCode.REPORT_TOO_LARGE,
            "the report would have more than " + MAX_ROWS + " groups; group by less",
            Map.of("max_rows", MAX_ROWS));
      }
      sums = new long[5];
      groups.put(group, sums);
    }
    sums[0] = sum(sums[0], entry.spentDeltaMicros());
    sums[1]++;
    sums[2] = sum(sums[2], number(entry, "tin"));
    sums[3] = sum(sums[3], number(entry, "tcin"));
    sums[4] = sum(sums[4], number(entry, "tout"));
  }

  /** An exact sum; one a long cannot hold is refused, never wrapped. */
  private static long sum(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      throw new GovernorException(
          ErrorCode.REPORT_TOO_LARGE,
          "a group's total would pass 2^63 - 1; group by more or ask for a shorter range",
          Map.of());
    }
  }

  private static long number(LedgerEntry entry, String field) {
    String value = entry.fields().get(field);
    return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
  }

  private static List<SpendRow> rows(Map<List<String>, long[]> groups) {
    List<SpendRow> rows = new ArrayList<>(groups.size());
    groups.forEach((group, s) -> rows.add(new SpendRow(group, s[0], s[1], s[2], s[3], s[4])));
    return rows;
  }
}
