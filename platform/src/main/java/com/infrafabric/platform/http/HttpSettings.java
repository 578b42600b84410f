package com.infrafabric.platform.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one HTTP service. Every limit has a safe default ({@link #defaults()}).
 *
 * @param host the address to bind, {@code 127.0.0.1} by default ({@code 0.0.0.0} in containers)
 * @param port the port; 0 picks a free one (tests)
 * @param maxBodyBytes larger request bodies are refused with 413, 1 B..64 MiB, on every route that
 *     does not declare its own limit ({@link Routes#withBodyLimit})
 * @param maxInFlight requests handled at once; beyond that 503 {@code OVERLOADED} at once
 * @param idleTimeout a connection with no traffic this long is closed (bytes of a request head that
 *     trickle in do not keep it open)
 * @param shutdownGrace how long {@code stop()} lets in-flight requests finish
 * @param readinessDeadline how long each readiness check may take
 * @param cors browser origins allowed, none by default
 * @param connections the bounds on unauthenticated connections and slow bodies
 * @param admission the adaptive concurrency limit on the latency-bound routes
 * @param eventLoops how many event loops serve the port, one HTTP server on each (1..256; by
 *     default half the cores, at least one): a server listening from one context handles every
 *     connection on that one thread, which caps a node at one core of HTTP, JSON and Redis client
 *     work however many it has. Not one per core: a request served on one loop hops to the loops
 *     its pooled Redis and provider connections belong to, and on two cores two loops cost the
 *     gateway twice the CPU per call without helping the charge path (README); the rest is left to
 *     those hops, the Redis client, GC, the JIT and guest threads
 */
public record HttpSettings(
    String host,
    int port,
    long maxBodyBytes,
    int maxInFlight,
    Duration idleTimeout,
    Duration shutdownGrace,
    Duration readinessDeadline,
    CorsSettings cors,
    ConnectionLimits connections,
    AdmissionSettings admission,
    int eventLoops) {

  /** The largest body limit a service or a route may have. */
  static final long MAX_BODY_CAP = 64L * 1024 * 1024;

  /**
   * How long before the server closes the connections left after the shutdown grace a service ends
   * the long requests it still serves (at most half the grace): time to write each one's answer.
   */
  private static final Duration CUT_LEAD = Duration.ofSeconds(1);

  /** The most event loops a service may ask for. */
  public static final int MAX_EVENT_LOOPS = 256;

  public HttpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(connections, "connections");
    Objects.requireNonNull(admission, "admission");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("http.port " + port + " is outside 0..65535");
    }
    requireBodyLimit("http.maxBodyBytes", maxBodyBytes);
    if (maxInFlight < 1 || maxInFlight > 100_000) {
      throw new IllegalArgumentException(
          "http.maxInFlight " + maxInFlight + " is outside 1..100000");
    }
    if (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS) {
      throw new IllegalArgumentException(
          "http.eventLoops " + eventLoops + " is outside 1.." + MAX_EVENT_LOOPS);
    }
    requirePositive("http.idleTimeout", idleTimeout);
    requirePositive("http.shutdownGrace", shutdownGrace);
    requirePositive("http.readinessDeadline", readinessDeadline);
  }

  /**
   * How long after its stop began a service ends the requests it still serves itself, each with an
   * answer saying it shut down (a cut stream with its error event): just before the server, at the
   * end of {@link #shutdownGrace}, closes their connections with no answer at all.
   */
  public Duration cutInFlightAfter() {
    Duration half = shutdownGrace.dividedBy(2);
    return shutdownGrace.minus(half.compareTo(CUT_LEAD) < 0 ? half : CUT_LEAD);
  }

  /**
   * Loopback port 8080, 1 MiB bodies, 256 in flight, 60 s idle, 10 s grace, 2 s readiness, {@link
   * ConnectionLimits#defaults()}, {@link AdmissionSettings#defaults()}, an event loop per two
   * cores.
   */
  public static HttpSettings defaults() {
    return new HttpSettings(
        "127.0.0.1",
        8080,
        1024 * 1024,
        256,
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        CorsSettings.disabled(),
        ConnectionLimits.defaults(),
        AdmissionSettings.defaults(),
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  public HttpSettings withPort(int port) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withMaxBodyBytes(long maxBodyBytes) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withMaxInFlight(int maxInFlight) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withIdleTimeout(Duration idleTimeout) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withShutdownGrace(Duration shutdownGrace) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withReadinessDeadline(Duration readinessDeadline) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withCors(CorsSettings cors) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withConnections(ConnectionLimits connections) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withAdmission(AdmissionSettings admission) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  public HttpSettings withEventLoops(int eventLoops) {
    return new HttpSettings(
        host,
        port,
        maxBodyBytes,
        maxInFlight,
        idleTimeout,
        shutdownGrace,
        readinessDeadline,
        cors,
        connections,
        admission,
        eventLoops);
  }

  static void requireBodyLimit(String key, long maxBytes) {
    if (maxBytes < 1 || maxBytes > MAX_BODY_CAP) {
      throw new IllegalArgumentException(key + " " + maxBytes + " is outside 1.." + MAX_BODY_CAP);
    }
  }

  static void requirePositive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
  }
}
