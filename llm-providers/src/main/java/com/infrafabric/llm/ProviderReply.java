package com.infrafabric.llm;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Optional;

/** What one attempt at a provider came to. */
public sealed interface ProviderReply {

  /** The provider answered with a completion. */
  record Answered(ChatCompletion completion) implements ProviderReply {}

  /**
   * The provider answered and its body is unread, paused: a relayed call ({@link ProviderRelay})
   * reads or pipes it to its end, or resets it.
   */
  record Opened(AnswerBody body) implements ProviderReply {}

  /**
   * The provider has the request, and what it made of it cannot be known: no answer came within the
   * timeout after the request was sent, the connection failed while the answer came, or the answer
   * could not be read. A provider bills a request it received whether or not its answer is read, so
   * the call is not free: whoever reserved for it settles it at its bound. It is final (a retry
   * could have the provider make and bill the request twice), and no breaker counts it, as a
   * failure or as an answer: a request may be slow by itself (a long prompt, a long answer).
   *
   * @param reason what happened, never including the API key or the prompt
   */
  record Unknown(String reason) implements ProviderReply {}

  /**
   * The provider has the request and answered, but not with an answer its API defines: a status no
   * provider answers a call with (1xx, a redirect, a 2xx other than 200), or a head that cannot be
   * read (thousands of headers, a malformed status line). What it made of the request cannot be
   * known, so, as {@link Unknown}, the call is final and settled at its bound, and it is not
   * counted against the provider's breaker; unlike it, the answer came.
   *
   * @param reason what the provider answered, never including the API key or the prompt
   */
  record Unreadable(String reason) implements ProviderReply {}

  /**
   * The provider refused the request itself (a 4xx other than 429): final, and its answer is the
   * caller's to relay, since it explains what was wrong with the request.
   *
   * @param status the provider's status
   * @param body its answer, at most {@link ProviderRelay#MAX_REFUSAL_BYTES}
   */
  record Refused(int status, Buffer body) implements ProviderReply {}

  /**
   * The attempt failed.
   *
   * @param retryable true for connection failures, timeouts before the request was sent, 429 and
   *     5xx: trying again may work
   * @param timedOut true if the attempt ran out of time
   * @param rateLimited true if the provider answered 429: it limits the rate of the operator's key
   *     or found the request too large for that rate, which says nothing of its health ({@link
   *     ProviderGate})
   * @param reason what happened, never including the API key or the prompt
   * @param retryAfter how long the provider asked to wait, if it said
   */
  record Failed(
      boolean retryable,
      boolean timedOut,
      boolean rateLimited,
      String reason,
      Optional<Duration> retryAfter)
      implements ProviderReply {

    public static Failed finalFailure(String reason) {
      return new Failed(false, false, false, reason, Optional.empty());
    }

    public static Failed retryable(String reason) {
      return new Failed(true, false, false, reason, Optional.empty());
    }

    /** The provider answered 429, asking for {@code retryAfter} if it said. */
    public static Failed rateLimited(String reason, Optional<Duration> retryAfter) {
      return new Failed(true, false, true, reason, retryAfter);
    }
  }
}
