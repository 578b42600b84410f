package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;

/** Small conversions between what providers report and what the budget engine prices. */
final class Usages {

  private Usages() {}

  /** {@code usage} held to {@code bound}, as the provider layer holds a report to a worst case. */
  static TokenUsage within(TokenUsage usage, TokenUsage bound) {
    return governed(layers(usage).within(layers(bound)));
  }

  private static com.infrafabric.wire.reservation.TokenUsage layers(TokenUsage usage) {
    return new com.infrafabric.wire.reservation.TokenUsage(
        usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
  }

  /** The provider layer's usage as the governor's, bounded the governor's way. */
  static TokenUsage governed(com.infrafabric.wire.reservation.TokenUsage usage) {
    return new TokenUsage(usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
  }
}
