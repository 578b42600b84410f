package com.infrafabric.platform.redis;

/**
 * Redis answered a command with an error reply (a script raised, a command was malformed). This is
 * a bug in the caller or the script, not an expected outcome.
 */
public final class RedisCommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public RedisCommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
