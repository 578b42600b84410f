package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;

/** Small conversions between what providers report and what the budget engine prices. */
final class Usages {

  private Usages() {}

  /** The provider layer's usage as the governor's, bounded the governor's way. */
  static TokenUsage governed(com.infrafabric.wire.reservation.TokenUsage usage) {
    return new TokenUsage(usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
  }

  /** The characters of a streamed text (or the JSON of a structured delta); 0 for none. */
  static long textLength(Object value) {
    if (value == null) {
      return 0;
    }
    return value instanceof String text ? text.length() : value.toString().length();
  }
}
