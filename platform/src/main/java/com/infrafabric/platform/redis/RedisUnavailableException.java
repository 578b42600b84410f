package com.infrafabric.platform.redis;

/**
 * Redis did not answer in time or could not be reached. Nothing may be assumed about the outcome of
 * the command: callers fail closed (answer 503) and rely on idempotency keys for retries.
 */
public final class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
