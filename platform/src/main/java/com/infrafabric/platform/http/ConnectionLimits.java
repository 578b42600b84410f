package com.infrafabric.platform.http;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How a service keeps slow, anonymous and greedy clients from holding what other callers need.
 * Authentication reads only the headers; the body is read after it, at a minimum rate, into a
 * bounded share of the heap.
 *
 * @param maxUnauthenticated connections that have not (yet) carried an authenticated request; when
 *     one more opens, one of them carrying no request is closed (one that has sent nothing first,
 *     from the source holding the most, its oldest), so anonymous connections can never crowd out a
 *     newcomer, and a connection whose request is being handled is never touched (if every one
 *     carries a request, the newcomer is closed instead). 1..100000
 * @param authenticationDeadline a connection that has carried no authenticated request this long
 *     after it opened is closed (a client trickling its headers never gets that far)
 * @param bodyGrace how long any request body may take before the rate applies
 * @param minBodyBytesPerSecond the slowest a body may arrive after the grace: a request whose body
 *     has not arrived within {@code bodyGrace + length / rate} (but at most {@code maxBodyTime}) is
 *     answered 408 {@code REQUEST_TIMEOUT} and its connection closed. 1 B/s..1 GiB/s
 * @param maxBodyTime the longest any body may take, however large: a client that announces the
 *     largest body a route takes can hold what it sent for this long at most
 * @param bodyBytesInFlight the request body bytes the service holds at once (announced lengths; a
 *     chunked body counts as its route's limit), from when it starts reading a body until the
 *     request is answered. One tenant holds at most half ({@link
 *     com.infrafabric.platform.limit.TenantSlots}); what all hold never exceeds twice it. 1 MiB..16
 *     GiB, and at least twice the largest body a route of the service takes
 * @param maxUnauthenticatedPerSource the unauthenticated connections one source address holds: one
 *     more from it closes one of its own idle ones (a silent one first), never another source's.
 *     Behind a proxy every connection has the proxy's address; set it to {@code maxUnauthenticated}
 *     there. 1..100000
 * @param maxConnections the bound on connections that carried an authenticated request, per node,
 *     shared out between tenants as {@link com.infrafabric.platform.limit.TenantSlots} are (one
 *     tenant holds at most half, one principal a quarter; at most twice the bound are open): one
 *     more of a tenant or principal at its share closes its own oldest idle connection. Its default
 *     is a quarter of the process's file-descriptor limit, so that all of them, the unauthenticated
 *     ones and the service's own (Redis, providers) stay below it. 2..1000000
 */
public record ConnectionLimits(
    int maxUnauthenticated,
    Duration authenticationDeadline,
    Duration bodyGrace,
    long minBodyBytesPerSecond,
    Duration maxBodyTime,
    long bodyBytesInFlight,
    int maxUnauthenticatedPerSource,
    int maxConnections) {

  /** The smallest {@link #bodyBytesInFlight} a service may be given. */
  public static final long MIN_BODY_BYTES_IN_FLIGHT = 1L << 20;

  /** The largest {@link #bodyBytesInFlight} a service may be given. */
  public static final long MAX_BODY_BYTES_IN_FLIGHT = 16L << 30;

  /** The file-descriptor limit assumed where the JVM cannot read it (not a Unix). */
  private static final long ASSUMED_FD_LIMIT = 4096;

  public ConnectionLimits {
    if (maxUnauthenticated < 1 || maxUnauthenticated > 100_000) {
      throw new IllegalArgumentException(
          "http.maxUnauthenticatedConnections " + maxUnauthenticated + " is outside 1..100000");
    }
    HttpSettings.requirePositive("http.authenticationDeadline", authenticationDeadline);
    HttpSettings.requirePositive("http.bodyGrace", bodyGrace);
    HttpSettings.requirePositive("http.maxBodyTime", maxBodyTime);
    if (minBodyBytesPerSecond < 1 || minBodyBytesPerSecond > 1L << 30) {
      throw new IllegalArgumentException(
          "http.minBodyBytesPerSecond " + minBodyBytesPerSecond + " is outside 1..1073741824");
    }
    if (bodyBytesInFlight < MIN_BODY_BYTES_IN_FLIGHT
        || bodyBytesInFlight > MAX_BODY_BYTES_IN_FLIGHT) {
      throw new IllegalArgumentException(
          "http.bodyBytesInFlight "
              + bodyBytesInFlight
              + " is outside "
              + MIN_BODY_BYTES_IN_FLIGHT
              + ".."
              + MAX_BODY_BYTES_IN_FLIGHT);
    }
    if (maxUnauthenticatedPerSource < 1 || maxUnauthenticatedPerSource > 100_000) {
      throw new IllegalArgumentException(
          "http.maxUnauthenticatedConnectionsPerSource "
              + maxUnauthenticatedPerSource
              + " is outside 1..100000");
    }
    if (maxConnections < 2 || maxConnections > 1_000_000) {
      throw new IllegalArgumentException(
          "http.maxConnections " + maxConnections + " is outside 2..1000000");
    }
  }

  /**
   * 512 unauthenticated connections, 256 per source, 10 s to authenticate, bodies at 5 s plus 16
   * KiB/s within 2 minutes, a sixteenth of the heap for bodies in flight ({@link
   * #defaultBodyBytesInFlight}), authenticated connections a quarter of the file-descriptor limit.
   */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(
        512,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        16 * 1024,
        Duration.ofMinutes(2),
        defaultBodyBytesInFlight(),
        256,
        defaultMaxConnections());
  }

  /** A quarter of the process's file-descriptor limit, within 64..1000000. */
  public static int defaultMaxConnections() {
    long fds =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix
            ? unix.getMaxFileDescriptorCount()
            : ASSUMED_FD_LIMIT;
    return (int) Math.max(64, Math.min(1_000_000, fds / 4));
  }

  /** These limits with {@code maxConnections} authenticated connections per node. */
  public ConnectionLimits withMaxConnections(int maxConnections) {
    return new ConnectionLimits(
        maxUnauthenticated,
        authenticationDeadline,
        bodyGrace,
        minBodyBytesPerSecond,
        maxBodyTime,
        bodyBytesInFlight,
        maxUnauthenticatedPerSource,
        maxConnections);
  }

  /**
   * A sixteenth of the heap's maximum (at least {@link #MIN_BODY_BYTES_IN_FLIGHT}): with what its
   * tenants may hold beyond it, an eighth of the heap per service, a quarter for the two services
   * one process runs.
   */
  public static long defaultBodyBytesInFlight() {
    return Math.min(
        MAX_BODY_BYTES_IN_FLIGHT,
        Math.max(MIN_BODY_BYTES_IN_FLIGHT, Runtime.getRuntime().maxMemory() / 16));
  }

  public ConnectionLimits withBodyBytesInFlight(long bodyBytesInFlight) {
    return new ConnectionLimits(
        maxUnauthenticated,
        authenticationDeadline,
        bodyGrace,
        minBodyBytesPerSecond,
        maxBodyTime,
        bodyBytesInFlight,
        maxUnauthenticatedPerSource,
        maxConnections);
  }

  /**
   * How long a body of {@code bytes} may take to arrive: never longer than {@link #maxBodyTime}.
   */
  Duration bodyDeadline(long bytes) {
    Duration atMinimumRate =
        bodyGrace.plusMillis(Math.max(0, bytes) * 1000 / minBodyBytesPerSecond);
    return atMinimumRate.compareTo(maxBodyTime) < 0 ? atMinimumRate : maxBodyTime;
  }
}
