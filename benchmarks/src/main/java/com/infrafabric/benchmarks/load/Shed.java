package com.infrafabric.benchmarks.load;

/**
 * The service refused a request at once as overloaded ({@code 503 OVERLOADED} from its admission
 * limit, or {@code 429} from a rate limit), with {@code Retry-After}: it shed it. Not a failure of
 * the operation but the answer the service gives to load it cannot serve in time, so phases count
 * these apart from failures, with their own latency.
 */
final class Shed extends RuntimeException {

  private static final long serialVersionUID = 1L;

  Shed(String request) {
    super(request + " was refused as overloaded", null, false, false);
  }
}
