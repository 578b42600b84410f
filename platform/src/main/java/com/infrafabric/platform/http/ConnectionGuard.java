package com.infrafabric.platform.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the connections that have not (yet) carried an authenticated request: each is closed if it
 * has not authenticated within the deadline, and when there are more than the bound the oldest is
 * closed. A client that sends its headers a byte at a time, or never sends a token, therefore holds
 * a connection for a bounded time and can never lock newcomers out; connections that did
 * authenticate are left alone (the idle timeout still applies to them). One periodic sweep, not a
 * timer per connection, enforces the deadline. Thread-safe: connections open and authenticate on
 * every event loop.
 */
final class ConnectionGuard {

  private static final long SWEEP_MILLIS = 100;

  private final Vertx vertx;
  private final ConnectionLimits limits;

  /** Unauthenticated connections, oldest first, with the System.nanoTime() of their deadline. */
  private final Map<HttpConnection, Long> unauthenticated = new LinkedHashMap<>();

  private long sweeper = -1;

  ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  /** Starts enforcing the deadline; called once, when the server starts listening. */
  void start() {
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> closeExpired(System.nanoTime()));
  }

  void stop() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
  }

  /** A connection opened: it is unauthenticated until a request on it authenticates. */
  void opened(HttpConnection connection) {
    long deadline = System.nanoTime() + limits.authenticationDeadline().toNanos();
    HttpConnection evicted = null;
    synchronized (this) {
      unauthenticated.put(connection, deadline);
      if (unauthenticated.size() > limits.maxUnauthenticated()) {
        evicted = unauthenticated.keySet().iterator().next();
        unauthenticated.remove(evicted);
      }
    }
    connection.closeHandler(closed -> authenticated(connection));
    if (evicted != null) {
      closeNow(evicted);
    }
  }

  /** A request on {@code connection} authenticated (or it closed): it is no longer bounded here. */
  void authenticated(HttpConnection connection) {
    synchronized (this) {
      unauthenticated.remove(connection);
    }
  }

  /**
   * Closes {@code connection} at once, even while a request on it is still being received: Vert.x's
   * {@code close()} of an HTTP/1 connection waits for that request, which a trickling client never
   * ends, whereas a shutdown with a timeout closes it when the timeout expires.
   */
  static void closeNow(HttpConnection connection) {
    connection.shutdown(1, TimeUnit.MILLISECONDS);
  }

  private void closeExpired(long now) {
    List<HttpConnection> expired = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<HttpConnection, Long>> oldestFirst = unauthenticated.entrySet().iterator();
      while (oldestFirst.hasNext()) {
        Map.Entry<HttpConnection, Long> entry = oldestFirst.next();
        if (entry.getValue() - now > 0) {
          break;
        }
        expired.add(entry.getKey());
        oldestFirst.remove();
      }
    }
    expired.forEach(ConnectionGuard::closeNow);
  }
}
