package com.infrafabric.governor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The root of every governor failure a caller must hear about: each carries a stable machine code
 * and a sentence a human can act on. Expected outcomes (a denied reservation) are values, not
 * exceptions; these are requests that cannot be carried out as asked.
 */
public class GovernorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> details;
  private final transient Duration retryAfter;

  public GovernorException(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public GovernorException(ErrorCode code, String message, Map<String, Object> details) {
    this(code, message, details, null);
  }

  /**
   * A refusal the caller may retry once {@code retryAfter} has passed (a quota that renews then);
   * its sentence says what was refused and the wait is its detail, answered as {@code Retry-After}.
   */
  public GovernorException(ErrorCode code, String message, Duration retryAfter) {
    this(code, message, Map.of(), Objects.requireNonNull(retryAfter, "retryAfter"));
  }

  private GovernorException(
      ErrorCode code, String message, Map<String, Object> details, Duration retryAfter) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
    this.details = Map.copyOf(details);
    this.retryAfter = retryAfter;
  }

  public ErrorCode code() {
    return code;
  }

  /** Machine-readable context (never secrets): the field at fault, the limit, the current state. */
  public Map<String, Object> details() {
    return details;
  }

  /** How long the caller should wait before trying again, if waiting helps. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
