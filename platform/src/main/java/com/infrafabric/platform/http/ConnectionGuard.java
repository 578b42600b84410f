package com.infrafabric.platform.http;

import com.infrafabric.platform.limit.TenantSlots;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Bounds every connection a service holds open, so that no client can take what another one needs
 * (see {@link ConnectionLimits}).
 *
 * <p>Unauthenticated connections are bounded per node and per source address, and each is closed if
 * it has not authenticated within the deadline. When one more opens over a bound, one of them that
 * carries no request is closed ({@link IdleBySource}: one that has sent nothing before one in the
 * middle of its request head, from the source holding the most, its oldest): a silent connect (the
 * cheapest thing to flood with) can never close a connection whose request is being handled, nor
 * one whose client is sending its request while silent ones are open. If every one carries a
 * request, the newcomer is closed instead.
 *
 * <p>A connection that carried an authenticated request belongs to that request's tenant and
 * principal, which hold a share of {@link ConnectionLimits#maxConnections} ({@link TenantSlots});
 * one more of a tenant or principal at its share closes that tenant's or principal's own oldest
 * idle connection, never another's, and if all of them carry a request the newcomer's request is
 * refused and its connection closed. (The server's idle timeout closes an authenticated connection
 * that carries no request, bytes of a next request head trickling in or not.)
 *
 * <p>One periodic sweep, not a timer per connection, enforces the authentication deadline.
 * Thread-safe: connections open, carry requests and authenticate on every event loop.
 */
final class ConnectionGuard {

  /** Whether an authenticated connection was kept, and why not. */
  private enum Kept {
    KEPT,
    /** The tenant's share of connections is held, each carrying a request. */
    TENANT_SHARE,
    /** The principal's share of connections is held, each carrying a request. */
    PRINCIPAL_SHARE,
    /** Every connection is held and the tenant holds at least its fair share. */
    FULL
  }

  private static final long SWEEP_MILLIS = 100;
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final ConnectionLimits limits;

  /** Every connection open and not yet given up, by connection. Guarded by {@code this}. */
  private final Map<HttpConnection, Tracked> open = new HashMap<>();

  /** Unauthenticated connections, oldest first. Guarded by {@code this}. */
  private final LinkedHashMap<HttpConnection, Tracked> unauthenticated = new LinkedHashMap<>();

  /** Unauthenticated connections by source address. Guarded by {@code this}. */
  private final Map<String, Integer> bySource = new HashMap<>();

  /** Unauthenticated connections that carry no request: the ones to close. Guarded by this. */
  private final IdleBySource<Tracked> idleUnauthenticated = new IdleBySource<>();

  /**
   * Authenticated connections that carry no request, by tenant, longest idle first: the ones a
   * tenant's newcomer may close, found without looking at any other tenant's. Guarded by this.
   */
  private final Map<String, LinkedHashMap<HttpConnection, Tracked>> idleByTenant = new HashMap<>();

  /** Authenticated connections by tenant. Guarded by {@code this}. */
  private final TenantSlots tenants;

  /** Authenticated connections by principal; one with none has no entry. Guarded by this. */
  private final Map<Owner, Integer> byPrincipal = new HashMap<>();

  private final int principalShare;

  private long sweeper = -1;

  /** What the guard knows of one open connection; guarded by the guard. */
  private static final class Tracked {
    final HttpConnection connection;
    final String source;
    final long openedNanos;
    int requests;

    /** Whether any byte has arrived on it. */
    boolean heard;

    Owner owner;

    Tracked(HttpConnection connection, String source, long openedNanos) {
      this.connection = connection;
      this.source = source;
      this.openedNanos = openedNanos;
    }
  }

  /** The tenant and principal an authenticated connection is counted against. */
  record Owner(String tenant, String principal) {}

  ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.tenants = new TenantSlots(limits.maxConnections());
    this.principalShare = Math.max(1, tenants.tenantShare() / 2);
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
    Tracked tracked = new Tracked(connection, source(connection), System.nanoTime());
    List<HttpConnection> closing = new ArrayList<>();
    synchronized (this) {
      if (makeRoomFor(tracked.source, closing)) {
        open.put(connection, tracked);
        unauthenticated.put(connection, tracked);
        bySource.merge(tracked.source, 1, Integer::sum);
        idleUnauthenticated.add(tracked.source, tracked, false);
      } else {
        closing.add(connection);
      }
    }
    connection.closeHandler(closed -> closed(connection));
    FirstBytes.watch(connection, () -> heard(connection));
    closing.forEach(ConnectionGuard::closeNow);
  }

  /** How many of {@code source}'s open connections have sent nothing yet. */
  synchronized long silentFrom(String source) {
    return open.values().stream().filter(t -> t.source.equals(source) && !t.heard).count();
  }

  /** The first bytes arrived on {@code connection}: it is no longer silent. */
  private synchronized void heard(HttpConnection connection) {
    Tracked tracked = open.get(connection);
    if (tracked != null && !tracked.heard) {
      tracked.heard = true;
      idleUnauthenticated.heard(tracked.source, tracked);
    }
  }

  /**
   * Counts {@code ctx}'s request on its connection, for every request ({@link RequestAccounting}):
   * while it is handled its connection is never closed to make room.
   */
  void requestStarted(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    synchronized (this) {
      Tracked tracked = open.get(connection);
      if (tracked != null) {
        tracked.requests++;
        tracked.heard = true;
        notIdle(tracked);
      }
    }
    ctx.addEndHandler(done -> requestEnded(connection));
  }

  /**
   * True if {@code connection} has carried an authenticated request and is kept: false for one that
   * has not, or that is closed or being closed.
   */
  synchronized boolean carriedAuthenticatedRequest(HttpConnection connection) {
    Tracked tracked = open.get(connection);
    return tracked != null && tracked.owner != null;
  }

  /**
   * A request authenticated as {@code owner}: its connection is counted against the owner's shares
   * from now on (a connection keeps the owner of its first authenticated request). If those are
   * held by connections that all carry requests, the connection is not kept: the answer is the
   * refusal returned, after which the connection closes.
   */
  Optional<ApiException> authenticated(RoutingContext ctx, Owner owner) {
    HttpConnection connection = ctx.request().connection();
    Kept kept = keep(connection, owner);
    if (kept == Kept.KEPT) {
      return Optional.empty();
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    ctx.addEndHandler(done -> closeNow(connection));
    return Optional.of(refusal(kept));
  }

  private Kept keep(HttpConnection connection, Owner owner) {
    List<HttpConnection> closing = new ArrayList<>();
    Kept kept;
    synchronized (this) {
      Tracked tracked = open.get(connection);
      kept = tracked == null || tracked.owner != null ? Kept.KEPT : own(tracked, owner, closing);
      if (kept != Kept.KEPT) {
        forget(tracked);
      }
    }
    closing.forEach(ConnectionGuard::closeNow);
    return kept;
  }

  private ApiException refusal(Kept kept) {
    if (kept == Kept.FULL) {
      return ApiException.retryAfter(
          ErrorCode.OVERLOADED,
          "The service holds all the connections it can; retry shortly.",
          RETRY);
    }
    String whose = kept == Kept.TENANT_SHARE ? "tenant" : "caller";
    int share = kept == Kept.TENANT_SHARE ? tenants.tenantShare() : principalShare;
    return ApiException.retryAfter(
        InFlightLimit.TOO_MANY_IN_FLIGHT,
        "This "
            + whose
            + "'s open connections fill its share of the service ("
            + share
            + ") and each carries a request in flight; retry on one of them.",
        RETRY);
  }

  /**
   * Closes {@code connection} at once, even while a request on it is still being received: Vert.x's
   * {@code close()} of an HTTP/1 connection waits for that request, which a trickling client never
   * ends, whereas a shutdown with a timeout closes it when the timeout expires.
   */
  static void closeNow(HttpConnection connection) {
    connection.shutdown(1, TimeUnit.MILLISECONDS);
  }

  private Kept own(Tracked tracked, Owner owner, List<HttpConnection> closing) {
    leaveUnauthenticated(tracked);
    while (byPrincipal.getOrDefault(owner, 0) >= principalShare) {
      if (!evictIdleCaller(owner, owner::equals, closing)) {
        return Kept.PRINCIPAL_SHARE;
      }
    }
    TenantSlots.Decision decision;
    while ((decision = tenants.take(owner.tenant())) != TenantSlots.Decision.ADMITTED) {
      if (!evictIdleCaller(owner, any -> true, closing)) {
        return decision == TenantSlots.Decision.FULL ? Kept.FULL : Kept.TENANT_SHARE;
      }
    }
    tracked.owner = owner;
    byPrincipal.merge(owner, 1, Integer::sum);
    return Kept.KEPT;
  }

  /**
   * Makes room for one more unauthenticated connection from {@code source}, closing idle ones over
   * the bounds (its own, at the per-source bound); false if there is none to close.
   */
  private boolean makeRoomFor(String source, List<HttpConnection> closing) {
    if (bySource.getOrDefault(source, 0) >= limits.maxUnauthenticatedPerSource()
        && !evict(idleUnauthenticated.takeFrom(source), closing)) {
      return false;
    }
    return unauthenticated.size() < limits.maxUnauthenticated()
        || evict(idleUnauthenticated.takeAny(), closing);
  }

  private boolean evict(Optional<Tracked> idle, List<HttpConnection> closing) {
    idle.ifPresent(
        tracked -> {
          forget(tracked);
          closing.add(tracked.connection);
        });
    return idle.isPresent();
  }

  /** Closes the longest idle connection of {@code owner}'s tenant that {@code whose} accepts. */
  private boolean evictIdleCaller(
      Owner owner, Predicate<Owner> whose, List<HttpConnection> closing) {
    Map<HttpConnection, Tracked> idle = idleByTenant.get(owner.tenant());
    if (idle == null) {
      return false;
    }
    for (Tracked tracked : idle.values()) {
      if (whose.test(tracked.owner)) {
        forget(tracked);
        closing.add(tracked.connection);
        return true;
      }
    }
    return false;
  }

  private synchronized void requestEnded(HttpConnection connection) {
    Tracked tracked = open.get(connection);
    if (tracked == null || --tracked.requests > 0) {
      return;
    }
    if (tracked.owner != null) {
      idleByTenant
          .computeIfAbsent(tracked.owner.tenant(), tenant -> new LinkedHashMap<>())
          .put(connection, tracked);
    } else {
      idleUnauthenticated.add(tracked.source, tracked, true);
    }
  }

  private synchronized void closed(HttpConnection connection) {
    Tracked tracked = open.get(connection);
    if (tracked != null) {
      forget(tracked);
    }
  }

  /** Stops counting {@code tracked} anywhere: it is closed or being closed. */
  private void forget(Tracked tracked) {
    open.remove(tracked.connection);
    notIdle(tracked);
    leaveUnauthenticated(tracked);
    Owner owner = tracked.owner;
    if (owner != null) {
      tenants.release(owner.tenant());
      byPrincipal.computeIfPresent(owner, (o, count) -> count == 1 ? null : count - 1);
    }
  }

  private void leaveUnauthenticated(Tracked tracked) {
    if (unauthenticated.remove(tracked.connection) != null) {
      bySource.computeIfPresent(tracked.source, (source, count) -> count == 1 ? null : count - 1);
      idleUnauthenticated.remove(tracked.source, tracked);
    }
  }

  private void notIdle(Tracked tracked) {
    if (tracked.owner == null) {
      idleUnauthenticated.remove(tracked.source, tracked);
    } else {
      idleByTenant.computeIfPresent(
          tracked.owner.tenant(),
          (tenant, idle) -> {
            idle.remove(tracked.connection);
            return idle.isEmpty() ? null : idle;
          });
    }
  }

  private void closeExpired(long now) {
    long deadline = limits.authenticationDeadline().toNanos();
    List<HttpConnection> expired = new ArrayList<>();
    synchronized (this) {
      for (Tracked tracked : unauthenticated.values()) {
        if (now - tracked.openedNanos < deadline) {
          break;
        }
        expired.add(tracked.connection);
      }
      expired.forEach(connection -> forget(open.get(connection)));
    }
    expired.forEach(ConnectionGuard::closeNow);
  }

  private static String source(HttpConnection connection) {
    SocketAddress remote = connection.remoteAddress();
    return remote == null || remote.hostAddress() == null ? "" : remote.hostAddress();
  }
}
