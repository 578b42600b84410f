package com.infrafabric.governor.budget;

/**
 * A counter that does not equal what the ledger says it should be.
 *
 * @param scope the layer
 * @param windowId the window instance ({@code life}, {@code d20261123}, {@code m202611})
 * @param field {@code spent} or {@code reserved}
 * @param counterMicros the value in the counter
 * @param ledgerMicros the value recomputed from the ledger
 */
public record Discrepancy(
    String scope, String windowId, String field, long counterMicros, long ledgerMicros) {}
