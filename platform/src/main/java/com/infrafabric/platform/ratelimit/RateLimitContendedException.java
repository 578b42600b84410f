package com.infrafabric.platform.ratelimit;

/**
 * A bucket was changed by other nodes on every attempt to update it: the principal is sending
 * faster than the store can serialise. Answered as an overload, not as a bug.
 */
public final class RateLimitContendedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RateLimitContendedException(int attempts, Throwable cause) {
    super("rate limit bucket stayed contended after " + attempts + " attempts", cause);
  }
}
