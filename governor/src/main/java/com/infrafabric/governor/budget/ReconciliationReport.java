package com.infrafabric.governor.budget;

import java.util.List;

/**
 * The result of recomputing a tenant's counters from its ledger.
 *
 * @param tenant the tenant
 * @param lastEntryId the last ledger entry taken into account (the counters were read at exactly
 *     that point)
 * @param entriesReplayed ledger entries read
 * @param countersChecked counter values compared
 * @param discrepancies every counter that differs from the ledger; empty when consistent
 */
public record ReconciliationReport(
    String tenant,
    String lastEntryId,
    long entriesReplayed,
    int countersChecked,
    List<Discrepancy> discrepancies) {

  public ReconciliationReport {
    discrepancies = List.copyOf(discrepancies);
  }

  public boolean consistent() {
    return discrepancies.isEmpty();
  }
}
