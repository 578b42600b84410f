package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;

/** Small conversions between what providers report and what the budget engine prices. */
final class Usages {

  private Usages() {}

  /** The provider layer's usage as the governor's, bounded the governor's way. */
  static TokenUsage governed(com.infrafabric.wire.reservation.TokenUsage usage) {
    return new TokenUsage(usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
  }
}
