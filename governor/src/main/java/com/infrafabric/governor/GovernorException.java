package com.infrafabric.governor;

import java.util.Map;
import java.util.Objects;

/**
 * The root of every governor failure a caller must hear about: each carries a stable machine code
 * and a sentence a human can act on. Expected outcomes (a denied reservation) are values, not
 * exceptions; these are requests that cannot be carried out as asked.
 */
public class GovernorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> details;

  public GovernorException(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public GovernorException(ErrorCode code, String message, Map<String, Object> details) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
    this.details = Map.copyOf(details);
  }

  public ErrorCode code() {
    return code;
  }

  /** Machine-readable context (never secrets): the field at fault, the limit, the current state. */
  public Map<String, Object> details() {
    return details;
  }
}
