package com.infrafabric.platform.redis;

/**
 * Redis could not serve a command. {@link #outcomeUnknown()} tells the two cases apart, because a
 * client must act differently on them:
 *
 * <ul>
 *   <li><b>not applied</b>: the command was never handed to Redis (no connection, the pool's queue
 *       full, the store known to be unhealthy) or Redis refused it without running it ({@code
 *       LOADING}, {@code BUSY}...). Retrying is safe with or without an idempotency key.
 *   <li><b>outcome unknown</b>: the command was sent and no answer came in time, or the connection
 *       broke while it was pending. It may have run. Only a retry that Redis can recognise (the
 *       same idempotency key) is safe.
 * </ul>
 */
public final class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean outcomeUnknown;

  private RedisUnavailableException(String message, Throwable cause, boolean outcomeUnknown) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /** The command was not run. */
  public static RedisUnavailableException notApplied(String message, Throwable cause) {
    return new RedisUnavailableException(message, cause, false);
  }

  /** The command was sent and may have run; no answer says whether it did. */
  public static RedisUnavailableException outcomeUnknown(String message, Throwable cause) {
    return new RedisUnavailableException(message, cause, true);
  }

  /** True if the command was sent and may have run; false if it certainly did not. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }

  /**
   * True if {@code failure} is a command that was sent and may have run: what a caller that must
   * resolve such a command (resend it, or say it was not applied) asks of any failure.
   */
  public static boolean isOutcomeUnknown(Throwable failure) {
    return failure instanceof RedisUnavailableException unavailable && unavailable.outcomeUnknown();
  }
}
