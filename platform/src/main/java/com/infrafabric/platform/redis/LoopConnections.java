package com.infrafabric.platform.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection to a master for each event loop of the store's Vert.x instance, opened from that
 * loop and kept while it works: the loop's scripts are written to it back to back (pipelined), at
 * most {@code depth} at once, and their answers are read on the thread that asked.
 *
 * <p>Why not the pool alone: a Vert.x Redis connection belongs to the event loop that opened it
 * ({@code RedisStandaloneConnection} writes through its {@code context} and completes each reply on
 * that loop, then hands the result to the caller's context), and the pool lends a connection of
 * another loop whenever none of the caller's own is free and it may not open more ({@code
 * SimpleConnectionPool}'s fallback selector, and its recycling to any waiter). Each such command
 * wakes two threads instead of none. Here each loop's connection comes from a pool of its own that
 * only ever opens one connection per loop, so the pool always opens it on the asking loop; and a
 * command skips the pool's lease and return.
 *
 * <p>Only commands that leave no state on the connection and never block it may share one: Lua
 * scripts and functions (Redis runs a script whole, a blocking command inside one does not block,
 * {@code WAIT} is refused there, and a {@code SELECT} inside does not outlive it). {@code ASKING},
 * {@code WAIT}, transactions and blocking commands take a pooled connection of their own.
 *
 * <p>Thread-safe: each loop's count of commands in flight is touched only from that loop's thread,
 * and its connection is swapped atomically (the client may report it closed from another).
 */
final class LoopConnections implements AutoCloseable {

  /**
   * The most event loops that get a connection of their own (the size of the pool they come from):
   * Vert.x makes twice as many loops as cores by default, so only a machine of more than 128 cores
   * has loops beyond it, whose scripts then take the pooled connections.
   */
  static final int MAX_LOOPS = 256;

  private final Vertx vertx;
  private final Redis client;
  private final int depth;
  private final ConcurrentMap<Thread, LoopConnection> byLoop = new ConcurrentHashMap<>();

  /**
   * Connections of {@code client}, a pool of at most {@link #MAX_LOOPS} that nothing else uses, for
   * the event loops of {@code vertx}, with up to {@code depth} commands in flight on each.
   */
  LoopConnections(Vertx vertx, Redis client, int depth) {
    this.vertx = vertx;
    this.client = client;
    this.depth = depth;
  }

  /**
   * A connection of the calling event loop, lent for one command ({@link RedisConnection#close()}
   * gives it back): empty if the caller is not an event loop of this store's Vert.x instance, or if
   * its connection has {@code depth} commands in flight already.
   */
  Optional<Future<RedisConnection>> lend() {
    LoopConnection own = ofCaller();
    return own == null ? Optional.empty() : own.lend();
  }

  /**
   * A command from the calling loop got no answer, or its master refused to serve it: the loop's
   * next command asks for a connection again (after a Sentinel failover, to the new master).
   */
  void failed() {
    LoopConnection own = ofCaller();
    if (own != null) {
      own.drop();
    }
  }

  @Override
  public void close() {
    client.close();
  }

  private LoopConnection ofCaller() {
    Context context = Vertx.currentContext();
    if (context == null || context.owner() != vertx || !Context.isOnEventLoopThread()) {
      return null;
    }
    LoopConnection own = byLoop.get(Thread.currentThread());
    if (own == null && byLoop.size() >= MAX_LOOPS) {
      return null;
    }
    return own != null
        ? own
        : byLoop.computeIfAbsent(Thread.currentThread(), loop -> new LoopConnection());
  }

  /**
   * {@code connection} as seen from the caller's context: a connection opened during an earlier
   * request must not run this command's callbacks in that request's context.
   */
  private static Future<RedisConnection> here(Future<RedisConnection> connection) {
    return connection.succeeded()
        ? Future.succeededFuture(connection.result())
        : Future.fromCompletionStage(connection.toCompletionStage(), Vertx.currentContext());
  }

  /**
   * One loop's connection and how many commands are in flight on it. The count is confined to the
   * loop; the connection may be found closed by the client on another thread, hence atomic.
   */
  private final class LoopConnection {

    private final AtomicReference<Future<RedisConnection>> current = new AtomicReference<>();
    private int inFlight;

    Optional<Future<RedisConnection>> lend() {
      if (inFlight >= depth) {
        return Optional.empty();
      }
      inFlight++;
      return Optional.of(
          here(connection()).<RedisConnection>map(Lent::new).onFailure(notConnected -> inFlight--));
    }

    private Future<RedisConnection> connection() {
      Future<RedisConnection> known = current.get();
      if (known != null) {
        return known;
      }
      Future<RedisConnection> connecting = client.connect();
      current.set(connecting);
      connecting.onComplete(
          opened -> {
            if (opened.failed()) {
              lost(connecting);
            } else {
              opened
                  .result()
                  .endHandler(ended -> lost(connecting))
                  .exceptionHandler(error -> lost(connecting));
            }
          });
      return connecting;
    }

    void drop() {
      Future<RedisConnection> dropped = current.get();
      if (dropped != null && current.compareAndSet(dropped, null)) {
        dropped.onSuccess(RedisConnection::close);
      }
    }

    /** Forgets {@code connection} if it is still this loop's, so the next command opens another. */
    private void lost(Future<RedisConnection> connection) {
      current.compareAndSet(connection, null);
    }

    /** The loop's connection lent for one command: closing it gives back its place. */
    private final class Lent implements RedisConnection {

      private final RedisConnection shared;
      private boolean returned;

      Lent(RedisConnection shared) {
        this.shared = shared;
      }

      @Override
      public Future<Response> send(Request request) {
        return shared.send(request);
      }

      @Override
      public Future<List<Response>> batch(List<Request> requests) {
        return shared.batch(requests);
      }

      /** Gives back this command's place on the connection, which stays open. */
      @Override
      public Future<Void> close() {
        if (!returned) {
          returned = true;
          inFlight--;
        }
        return Future.succeededFuture();
      }

      @Override
      public boolean pendingQueueFull() {
        return inFlight >= depth;
      }

      @Override
      public RedisConnection exceptionHandler(Handler<Throwable> handler) {
        throw shared();
      }

      @Override
      public RedisConnection handler(Handler<Response> handler) {
        throw shared();
      }

      @Override
      public RedisConnection pause() {
        throw shared();
      }

      @Override
      public RedisConnection resume() {
        throw shared();
      }

      @Override
      public RedisConnection fetch(long amount) {
        throw shared();
      }

      @Override
      public RedisConnection endHandler(Handler<Void> handler) {
        throw shared();
      }

      private UnsupportedOperationException shared() {
        return new UnsupportedOperationException(
            "an event loop's Redis connection is shared by its commands: it has no stream");
      }
    }
  }
}
