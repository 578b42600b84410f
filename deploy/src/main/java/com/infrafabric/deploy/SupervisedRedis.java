package com.infrafabric.deploy;

import com.infrafabric.platform.redis.ManagedRedisServer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@code redis-server} kept up for as long as the node runs. When it exits without
 * being asked (the kernel's out-of-memory killer, a crash, a {@code kill} by hand), it is started
 * again on the same port with the same password and data directory: it replays its append-only
 * file, and the node's Redis client reconnects to the endpoint it already knows. Until then the
 * node answers as for any Redis outage (readiness DOWN, 503 {@code REDIS_UNAVAILABLE}, {@code
 * OUTCOME_UNKNOWN} for a write that was sent), so a newcomer's {@code serve} heals instead of
 * staying down until someone restarts it.
 *
 * <p>Attempts back off from {@value #FIRST_DELAY_MILLIS} ms, doubling to {@value #MAX_DELAY_MILLIS}
 * ms, so a server that cannot start (a damaged file, a full disk) does not spin; the delay starts
 * over once a server has stayed up longer than the longest delay. Each exit and each attempt is
 * logged with what the operator needs: the exit status and the server's own log.
 */
final class SupervisedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SupervisedRedis.class);
  static final long FIRST_DELAY_MILLIS = 1_000;
  static final long MAX_DELAY_MILLIS = 30_000;

  private final ManagedRedisServer server;
  private final ScheduledExecutorService restarts;
  // Guarded by this: the restart thread and the owner's close() take turns with the server.
  private boolean closed;
  private long delayMillis = FIRST_DELAY_MILLIS;
  private long startedAtNanos;

  private SupervisedRedis(ManagedRedisServer server) {
    this.server = server;
    this.restarts =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "redis-supervisor");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts {@code server} and watches it.
   *
   * @throws IllegalStateException if it does not start the first time: nothing is retried then
   */
  static SupervisedRedis start(ManagedRedisServer server) {
    SupervisedRedis supervised = new SupervisedRedis(server);
    synchronized (supervised) {
      server.start();
      supervised.watch();
    }
    return supervised;
  }

  ManagedRedisServer server() {
    return server;
  }

  private void watch() {
    startedAtNanos = System.nanoTime();
    server.exited().thenAccept(this::exited);
  }

  private synchronized void exited(int status) {
    if (closed) {
      return;
    }
    if (System.nanoTime() - startedAtNanos > TimeUnit.MILLISECONDS.toNanos(MAX_DELAY_MILLIS)) {
      delayMillis = FIRST_DELAY_MILLIS;
    }
    LOG.error(
        "the embedded redis-server exited unexpectedly (status {}); starting it again on {} in {}"
            + " ms (its log: {})",
        status,
        server.endpoint(),
        delayMillis,
        server.log());
    scheduleRestart();
  }

  private void scheduleRestart() {
    restarts.schedule(this::restart, delayMillis, TimeUnit.MILLISECONDS);
    delayMillis = Math.min(2 * delayMillis, MAX_DELAY_MILLIS);
  }

  private synchronized void restart() {
    if (closed) {
      return;
    }
    try {
      server.start();
    } catch (RuntimeException e) {
      LOG.error(
          "the embedded redis-server did not start again: {}; next attempt in {} ms",
          e.getMessage(),
          delayMillis);
      scheduleRestart();
      return;
    }
    LOG.warn("the embedded redis-server is up again on {}", server.endpoint());
    watch();
  }

  /**
   * Stops watching, then stops the server with {@code SHUTDOWN} and waits for it; a restart under
   * way finishes first.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    restarts.shutdown();
    synchronized (this) {
      server.stop();
    }
  }
}
