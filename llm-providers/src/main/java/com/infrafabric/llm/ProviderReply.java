package com.infrafabric.llm;

import java.time.Duration;
import java.util.Optional;

/** What one attempt at a provider came to. */
public sealed interface ProviderReply {

  /** The provider answered with a completion. */
  record Answered(ChatCompletion completion) implements ProviderReply {}

  /**
   * The attempt failed.
   *
   * @param retryable true for timeouts, connection failures, 429 and 5xx: trying again may work
   * @param timedOut true if the attempt ran out of time
   * @param reason what happened, never including the API key or the prompt
   * @param retryAfter how long the provider asked to wait, if it said
   */
  record Failed(boolean retryable, boolean timedOut, String reason, Optional<Duration> retryAfter)
      implements ProviderReply {

    public static Failed finalFailure(String reason) {
      return new Failed(false, false, reason, Optional.empty());
    }

    public static Failed retryable(String reason) {
      return new Failed(true, false, reason, Optional.empty());
    }
  }
}
