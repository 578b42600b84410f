package com.infrafabric.governor.ledger;

import java.util.List;

/**
 * A page of ledger entries, oldest first.
 *
 * @param entries the entries
 * @param nextCursor pass it back to read on, or null when the range is exhausted
 */
public record LedgerPage(List<LedgerEntry> entries, String nextCursor) {

  public LedgerPage {
    entries = List.copyOf(entries);
  }
}
