package com.infrafabric.governor.budget;

import java.util.List;

/**
 * The result of recomputing a tenant's counters from its ledger, and of checking the claim path's
 * per-subtree lease sets against the active leases.
 *
 * @param tenant the tenant
 * @param lastEntryId the last ledger entry taken into account (the counters were read at exactly
 *     that point)
 * @param entriesReplayed ledger entries read
 * @param countersChecked counter values compared
 * @param discrepancies every counter that differs from the ledger
 * @param leasesChecked active leases of tasks in a subtree, each looked for in its subtree's set
 * @param leaseSetDiscrepancies every lease a subtree's lease set lacks or holds wrongly
 */
public record ReconciliationReport(
    String tenant,
    String lastEntryId,
    long entriesReplayed,
    int countersChecked,
    List<Discrepancy> discrepancies,
    int leasesChecked,
    List<LeaseSetDiscrepancy> leaseSetDiscrepancies) {

  public ReconciliationReport {
    discrepancies = List.copyOf(discrepancies);
    leaseSetDiscrepancies = List.copyOf(leaseSetDiscrepancies);
  }

  /** True when every counter equals the ledger and every lease set its subtree's leases. */
  public boolean consistent() {
    return discrepancies.isEmpty() && leaseSetDiscrepancies.isEmpty();
  }
}
