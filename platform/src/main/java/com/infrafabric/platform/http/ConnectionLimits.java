package com.infrafabric.platform.http;

import java.time.Duration;

/**
 * How a service keeps slow and anonymous clients from holding what authenticated callers need.
 * Authentication reads only the headers; the body is read after it, at a minimum rate.
 *
 * @param maxUnauthenticated connections that have not yet carried an authenticated request; when
 *     one more opens, the oldest of them is closed, so anonymous connections can never crowd out a
 *     newcomer, and connections that did authenticate are never touched. 1..100000
 * @param authenticationDeadline a connection that has carried no authenticated request this long
 *     after it opened is closed (a client trickling its headers never gets that far)
 * @param bodyGrace how long any request body may take before the rate applies
 * @param minBodyBytesPerSecond the slowest a body may arrive after the grace: a request whose body
 *     has not arrived within {@code bodyGrace + length / rate} is answered 408 {@code
 *     REQUEST_TIMEOUT} and its connection closed. 1 B/s..1 GiB/s
 */
public record ConnectionLimits(
    int maxUnauthenticated,
    Duration authenticationDeadline,
    Duration bodyGrace,
    long minBodyBytesPerSecond) {

  public ConnectionLimits {
    if (maxUnauthenticated < 1 || maxUnauthenticated > 100_000) {
      throw new IllegalArgumentException(
          "http.maxUnauthenticatedConnections " + maxUnauthenticated + " is outside 1..100000");
    }
    HttpSettings.requirePositive("http.authenticationDeadline", authenticationDeadline);
    HttpSettings.requirePositive("http.bodyGrace", bodyGrace);
    if (minBodyBytesPerSecond < 1 || minBodyBytesPerSecond > 1L << 30) {
      throw new IllegalArgumentException(
          "http.minBodyBytesPerSecond " + minBodyBytesPerSecond + " is outside 1..1073741824");
    }
  }

  /** 512 unauthenticated connections, 10 s to authenticate, bodies at 5 s plus 16 KiB/s. */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(512, Duration.ofSeconds(10), Duration.ofSeconds(5), 16 * 1024);
  }

  /** How long a body of {@code bytes} may take to arrive. */
  Duration bodyDeadline(long bytes) {
    return bodyGrace.plusMillis(Math.max(0, bytes) * 1000 / minBodyBytesPerSecond);
  }
}
