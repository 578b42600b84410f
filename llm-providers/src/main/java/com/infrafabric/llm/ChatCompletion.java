package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;

/**
 * A provider's answer.
 *
 * @param model the model that answered, as the provider names it
 * @param content the answer's text
 * @param finishReason why it stopped, in the provider's words ({@code stop}, {@code length}, ...)
 * @param usage the tokens the provider counted
 */
public record ChatCompletion(String model, String content, String finishReason, TokenUsage usage) {}
