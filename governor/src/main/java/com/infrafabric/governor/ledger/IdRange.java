package com.infrafabric.governor.ledger;

import java.time.Instant;

/**
 * A range of ledger entry ids written as {@code XRANGE} takes it, so that the stream and the
 * archive answer the same range: {@code start} is {@code -} (no bound), {@code (<id>} (after that
 * entry) or epoch milliseconds (from that instant on); {@code end} is {@code +} (no bound) or epoch
 * milliseconds (up to and including that instant).
 */
record IdRange(String start, String end) {

  static final String OPEN_START = "-";
  static final String OPEN_END = "+";

  /**
   * The ids that can hold the entries recorded ({@code ts}) in {@code [from, to]} (null: no bound):
   * an id's time is Redis's clock and {@code ts} the node's, so the range reaches {@link
   * Ledger#CLOCK_MARGIN} further on either side. It is where to look, not what to select.
   */
  static IdRange covering(Instant from, Instant to) {
    long margin = Ledger.CLOCK_MARGIN.toMillis();
    String start =
        from == null ? OPEN_START : Long.toString(Math.max(0, from.toEpochMilli() - margin));
    String end = to == null ? OPEN_END : Long.toString(saturatedAdd(to.toEpochMilli(), margin));
    return new IdRange(start, end);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < a ? Long.MAX_VALUE : sum;
  }

  /** Whether {@code id} comes before the range begins. */
  boolean isBelow(String id) {
    if (start.equals(OPEN_START)) {
      return false;
    }
    if (start.startsWith("(")) {
      return LedgerArchive.compareIds(id, start.substring(1)) <= 0;
    }
    return LedgerArchive.parts(id)[0] < Long.parseLong(start);
  }

  /** Whether {@code id} comes after the range ends. */
  boolean isAbove(String id) {
    return !end.equals(OPEN_END) && LedgerArchive.parts(id)[0] > Long.parseLong(end);
  }

  boolean contains(String id) {
    return !isBelow(id) && !isAbove(id);
  }

  /** The same range, beginning after {@code id} if that is later than where it began. */
  IdRange after(String id) {
    return isBelow(id) ? this : new IdRange("(" + id, end);
  }
}
