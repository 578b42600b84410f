package com.infrafabric.platform.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds the connections that have not (yet) carried an authenticated request: each is closed if it
 * has not authenticated within the deadline, and when there are more than the bound the oldest is
 * closed. A client that sends its headers a byte at a time, or never sends a token, therefore holds
 * a connection for a bounded time and can never lock newcomers out; connections that did
 * authenticate are left alone (the idle timeout still applies to them). Thread-safe: connections
 * open and authenticate on every event loop.
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final ConnectionLimits limits;

  /** Unauthenticated connections, oldest first, with their deadline timer. */
  private final Map<HttpConnection, Long> unauthenticated = new LinkedHashMap<>();

  ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  /** A connection opened: it is unauthenticated until a request on it authenticates. */
  void opened(HttpConnection connection) {
    long timer =
        vertx.setTimer(
            limits.authenticationDeadline().toMillis(), id -> closeIfUnauthenticated(connection));
    HttpConnection evicted = null;
    synchronized (this) {
      unauthenticated.put(connection, timer);
      if (unauthenticated.size() > limits.maxUnauthenticated()) {
        evicted = unauthenticated.keySet().iterator().next();
      }
    }
    connection.closeHandler(closed -> forget(connection));
    if (evicted != null) {
      closeIfUnauthenticated(evicted);
    }
  }

  /** A request on {@code connection} authenticated: the connection is no longer bounded here. */
  void authenticated(HttpConnection connection) {
    forget(connection);
  }

  int unauthenticatedCount() {
    synchronized (this) {
      return unauthenticated.size();
    }
  }

  private void closeIfUnauthenticated(HttpConnection connection) {
    if (forget(connection)) {
      connection.close();
    }
  }

  /** Stops bounding {@code connection}; true if it was still unauthenticated. */
  private boolean forget(HttpConnection connection) {
    Long timer;
    synchronized (this) {
      timer = unauthenticated.remove(connection);
    }
    if (timer == null) {
      return false;
    }
    vertx.cancelTimer(timer);
    return true;
  }
}
