package com.infrafabric.benchmarks.load;

/**
 * One reading of the store during a memory run.
 *
 * @param elapsedMillis since the load started; the reading before it is at 0
 * @param usedMemory {@code used_memory} of {@code INFO memory}: every byte Redis allocated
 * @param usedMemoryDataset {@code used_memory_dataset}: the part the keys and values hold
 * @param keys {@code DBSIZE}, keys not yet expired or not yet evicted by the expiry cycle
 * @param holds reservations of the tenant still holding ({@code ZCARD} of its expiry set)
 * @param stalePercent {@code expired_stale_perc} of {@code INFO stats}: Redis's estimate, from its
 *     last expiry cycle, of the share of keys with a TTL that have expired but are still held
 * @param ledgerEntries {@code XLEN} of the tenant's ledger stream
 * @param archivedBytes bytes of the archive's segment files on disk
 */
record MemorySample(
    long elapsedMillis,
    long usedMemory,
    long usedMemoryDataset,
    long keys,
    long holds,
    double stalePercent,
    long ledgerEntries,
    long archivedBytes) {

  /** The time of this reading in minutes since the load started. */
  double minutes() {
    return elapsedMillis / 60_000.0;
  }
}
