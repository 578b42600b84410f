package com.infrafabric.deploy.backup;

import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.RespProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command-line tool's blocking connection to one Redis: the service's own client, each answer
 * awaited. Commands wait up to 30 s, since a backup's scans and copies are big batches, not the
 * services' small atomic steps.
 */
final class RedisSession implements AutoCloseable {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final RedisStore store;
  private final RedisEndpoint endpoint;

  private RedisSession(Vertx vertx, RedisStore store, RedisEndpoint endpoint) {
    this.vertx = vertx;
    this.store = store;
    this.endpoint = endpoint;
  }

  /**
   * A session with {@code endpoint}.
   *
   * @throws IllegalArgumentException if the server there answers, but not as Redis
   */
  static RedisSession open(RedisEndpoint endpoint) {
    RespProbe.requireResp(endpoint, PROBE_TIMEOUT);
    Vertx vertx = Vertx.vertx();
    RedisSettings settings = RedisSettings.of(endpoint).withCommandTimeout(COMMAND_TIMEOUT);
    return new RedisSession(
        vertx, RedisStore.create(vertx, settings, new SimpleMeterRegistry()), endpoint);
  }

  RedisEndpoint endpoint() {
    return endpoint;
  }

  Response send(Request request) {
    return await(store.send(request));
  }

  /** Sends {@code requests} back to back to the one server a backup or restore addresses. */
  List<Response> batch(List<Request> requests) {
    return requests.isEmpty() ? List.of() : await(store.batch(null, requests));
  }

  /** The number of keys in the session's database. */
  long keyCount() {
    return send(Request.cmd(Command.DBSIZE)).toLong();
  }

  /** Deletes every key of the session's database ({@code FLUSHDB}). */
  void emptyDatabase() {
    send(Request.cmd(Command.FLUSHDB));
  }

  /** The {@code redis_version} line of {@code INFO server}. */
  String version() {
    String info = send(Request.cmd(Command.INFO).arg("server")).toString();
    return info.lines()
        .filter(line -> line.startsWith("redis_version:"))
        .map(line -> line.substring("redis_version:".length()).strip())
        .findFirst()
        .orElse("unknown");
  }

  private <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(2 * COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Redis at " + endpoint + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Redis at " + endpoint + " did not answer in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    }
  }

  @Override
  public void close() {
    store.close();
    vertx.close();
  }
}
