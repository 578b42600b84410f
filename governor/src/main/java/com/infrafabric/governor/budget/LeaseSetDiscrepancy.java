package com.infrafabric.governor.budget;

import java.util.Locale;

/**
 * A subtree's lease set ({@code sl:<subtree>}, what the claim path counts against the subtree's
 * share of the tenant's agent slots) that does not hold exactly the active leases of the subtree's
 * tasks.
 *
 * @param subtree the subtree (the first segment of a scope below the tenant)
 * @param lease the lease ({@code <task>#<n>})
 * @param kind whether the set lacks an active lease or lists one that is not active in the subtree
 */
public record LeaseSetDiscrepancy(String subtree, String lease, Kind kind) {

  /** How a lease set differs from the active leases. */
  public enum Kind {
    /** An active lease of the subtree the set lacks: the subtree is counted short of its share. */
    MISSING,
    /** A lease in the set that is not active in the subtree: the subtree is counted past it. */
    STRAY;

    /** The lower-case code, e.g. {@code missing}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
