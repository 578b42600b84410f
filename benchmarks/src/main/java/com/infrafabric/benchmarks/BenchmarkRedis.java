package com.infrafabric.benchmarks;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.ManagedRedisServer.AppendFsync;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * A private redis-server for one benchmark trial, configured as the governor runs in production
 * (append-only file, fsync every second), with the one shared client the code under test uses.
 */
public final class BenchmarkRedis implements AutoCloseable {

  public final Vertx vertx;
  public final RedisStore store;

  /** The client's {@code redis.commands} timers. */
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private final ManagedRedisServer server;
  private final TempDirectory directory;

  public BenchmarkRedis() {
    directory = TempDirectory.create("infrafabric-bench-redis-");
    server =
        ManagedRedisServer.builder(directory.path())
            .appendFsync(AppendFsync.EVERYSEC)
            .maxMemoryBytes(4L * 1024 * 1024 * 1024)
            .build()
            .start();
    vertx = Vertx.vertx();
    store = RedisStore.create(vertx, RedisSettings.of(server.endpoint()), meters);
    // Connect now, in the trial's setup: JMH's worker threads spin while an iteration's setup
    // runs, and on two cores the first connection then misses the client's 1 s deadline.
    await(store.roundTrip());
  }

  /**
   * Empties the server between iterations so the ledger and idempotency keys do not pile up. The
   * memory is freed in the background ({@code ASYNC}): a synchronous flush of what 16 threads wrote
   * in one iteration can outlast the client's command deadline on a busy machine.
   */
  public void flush() {
    await(store.send(Request.cmd(Command.FLUSHALL).arg("ASYNC")));
  }

  public static <T> T await(io.vertx.core.Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }

  @Override
  public void close() {
    store.close();
    await(vertx.close());
    server.killHard();
    directory.close();
  }
}
