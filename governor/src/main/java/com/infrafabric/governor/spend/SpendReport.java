package com.infrafabric.governor.spend;

import java.time.Instant;
import java.util.List;

/**
 * Spend of a subtree over a time range, grouped.
 *
 * @param scope the subtree reported on
 * @param from the start of the range (inclusive)
 * @param to the end of the range (exclusive)
 * @param groupBy the dimensions, in the order of each row's group
 * @param rows one per group with spend, sorted by group
 * @param entriesScanned how many ledger entries of the subtree the report read; the tenant's other
 *     entries in the range are read too but not counted, so a caller confined to a subtree learns
 *     nothing of how busy the rest is
 */
public record SpendReport(
    String scope,
    Instant from,
    Instant to,
    List<SpendDimension> groupBy,
    List<SpendRow> rows,
    long entriesScanned) {

  public SpendReport {
    groupBy = List.copyOf(groupBy);
    rows = List.copyOf(rows);
  }
}
