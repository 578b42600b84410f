package com.infrafabric.governor.spend;

import java.util.List;

/**
 * The spend of one group of a report.
 *
 * @param group the group's value of each dimension, in the report's {@code groupBy} order
 * @param spentMicros what the group's calls cost, in micro-dollars
 * @param calls how many commits and charges the group holds
 * @param inputTokens input tokens
 * @param cachedInputTokens cached input tokens
 * @param outputTokens output tokens
 */
public record SpendRow(
    List<String> group,
    long spentMicros,
    long calls,
    long inputTokens,
    long cachedInputTokens,
    long outputTokens) {

  public SpendRow {
    group = List.copyOf(group);
  }
}
