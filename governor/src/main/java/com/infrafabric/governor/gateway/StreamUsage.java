package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import java.util.Optional;

/**
 * The usage one streamed answer reported, part by part: the prompt (with the part of it read from
 * the provider's cache) and the output. A provider may report a part more than once (Anthropic's
 * counts are cumulative, so a later one is never smaller; an endpoint may send two usage chunks),
 * and a later report never lowers what is charged: each count is the largest reported. Of the
 * prompt, that is its total and, within it, its uncached part, so the charge is at least each
 * report's at any prices where a cached token costs no more than an uncached one (the largest
 * cached count would lower it). A report that cannot be read ({@link Usages#read}) is no report:
 * its part is charged at its bound, whatever else was reported of it, since the provider's own
 * count is then unknown.
 *
 * <p>The prompt is billed whole once the provider starts, so an early report of it is final. The
 * output is not: it grows while the stream runs, so a count of it is final only if the stream
 * completed and no output came after the count ({@link #produced}). Any other stream's output is
 * charged at its bound: an early usage chunk ({@code "completion_tokens":0} before the answer) or
 * Anthropic's {@code message_delta} before a cut was taken as final, and a stream cut after 50
 * chunks was charged no output. Used by one stream on one event loop; not thread-safe.
 */
final class StreamUsage {

  private static final long UNREPORTED = -1;

  private long uncached = UNREPORTED;
  private long prompt = UNREPORTED;
  private long output = UNREPORTED;
  private boolean promptUnread;
  private boolean outputUnread;

  /** True while no output came after the last report of the output. */
  private boolean outputCovered;

  /** A report of the whole usage, empty if it could not be read. */
  void all(Optional<TokenUsage> report) {
    prompt(report);
    output(report);
  }

  /** A report of the prompt (the input and cached input of {@code report}), empty if unread. */
  void prompt(Optional<TokenUsage> report) {
    if (report.isEmpty()) {
      promptUnread = true;
      return;
    }
    TokenUsage usage = report.get();
    uncached = Math.max(uncached, usage.inputTokens());
    prompt = Math.max(prompt, usage.inputTokens() + usage.cachedInputTokens());
  }

  /** A report of the output (the output of {@code report}), empty if it could not be read. */
  void output(Optional<TokenUsage> report) {
    if (report.isEmpty()) {
      outputUnread = true;
      return;
    }
    output = Math.max(output, report.get().outputTokens());
    outputCovered = true;
  }

  /** An event that carries output (a choice's delta, a content block): no earlier count has it. */
  void produced() {
    outputCovered = false;
  }

  /**
   * What the stream is charged: the prompt as reported, the output as reported if the stream {@code
   * completed} and no output came after its last count; any part otherwise at {@code bound}'s.
   */
  Charge charge(TokenUsage bound, boolean completed) {
    boolean promptKnown = !promptUnread && prompt != UNREPORTED;
    boolean outputKnown = completed && outputCovered && !outputUnread;
    return Charge.partly(
        promptKnown ? uncached : UNREPORTED,
        promptKnown ? prompt - uncached : 0,
        outputKnown ? output : UNREPORTED,
        bound);
  }
}
