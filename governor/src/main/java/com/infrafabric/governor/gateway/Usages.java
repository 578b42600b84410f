package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.Supplier;

/** Small conversions between what providers report and what the budget engine prices. */
final class Usages {

  private Usages() {}

  /** {@code usage} held to {@code bound}, as the provider layer holds a report to a worst case. */
  static TokenUsage within(TokenUsage usage, TokenUsage bound) {
    return governed(layers(usage).within(layers(bound)));
  }

  /**
   * A provider's usage report as {@code report} reads it (the format's way, {@link
   * com.infrafabric.llm.ReportedUsage}), if it can be read and every count in it is one the budget
   * engine charges ({@link TokenUsage#MAX_TOKENS} at most). A report that cannot be (a count
   * missing, negative, not a whole number, out of range, a part of the wrong JSON type) is empty:
   * no report, so the caller charges what it was for at its bound. Never throws for what a provider
   * sent.
   */
  static Optional<TokenUsage> read(Supplier<com.infrafabric.wire.reservation.TokenUsage> report) {
    com.infrafabric.wire.reservation.TokenUsage usage;
    try {
      usage = report.get();
    } catch (IllegalArgumentException | ArithmeticException | ClassCastException unreadable) {
      // ReportedUsage's refusals, and a part of another JSON type than the format's.
      return Optional.empty();
    }
    return chargeable(usage.inputTokens())
            && chargeable(usage.cachedInputTokens())
            && chargeable(usage.outputTokens())
        ? Optional.of(governed(usage))
        : Optional.empty();
  }

  /**
   * True if {@code usage}, a report of {@code format}, contradicts itself ({@link
   * ReportedUsage#contradiction}, the one decision every reader of a usage makes, whole or
   * streamed): then no part of it is a report, and every part is charged at its bound. A count it
   * cannot read is no contradiction: the reader of that count's part finds it unreadable.
   */
  static boolean contradicts(ProviderFormat format, JsonObject usage) {
    try {
      return ReportedUsage.contradiction(format, usage).isPresent();
    } catch (IllegalArgumentException | ArithmeticException | ClassCastException unreadable) {
      return false;
    }
  }

  private static boolean chargeable(long tokens) {
    return tokens >= 0 && tokens <= TokenUsage.MAX_TOKENS;
  }

  private static com.infrafabric.wire.reservation.TokenUsage layers(TokenUsage usage) {
    return new com.infrafabric.wire.reservation.TokenUsage(
        usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
  }

  /** The provider layer's usage as the governor's; every count within its range. */
  private static TokenUsage governed(com.infrafabric.wire.reservation.TokenUsage usage) {
    return new TokenUsage(usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
  }
}
