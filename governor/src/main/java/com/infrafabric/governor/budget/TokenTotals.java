package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.Money;

/**
 * The tokens one scope recorded in one window: the sums of many calls' {@code TokenUsage}, each
 * counter at most {@link Money#MAX_MICROS} (a recording that would pass it is refused).
 *
 * @param inputTokens uncached input tokens
 * @param cachedInputTokens input tokens served from a prompt cache
 * @param outputTokens output tokens
 */
public record TokenTotals(long inputTokens, long cachedInputTokens, long outputTokens) {}
