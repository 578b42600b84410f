package com.infrafabric.platform.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The narrow door to Redis every component goes through: one pooled Vert.x client per process, with
 * a deadline on every command, Lua scripts called by SHA-1 ({@code EVALSHA}, re-sent with {@code
 * EVAL} when the server answers {@code NOSCRIPT}), and a latency timer per command.
 *
 * <p>Failures come in two kinds: {@link RedisUnavailableException} (no answer in time, no
 * connection, pool queue full: the outcome is unknown and callers fail closed) and {@link
 * RedisCommandException} (Redis answered with an error: a bug).
 *
 * <p>Thread-safe. Futures complete on a Vert.x event-loop thread: callbacks must not block.
 */
public final class RedisStore implements AutoCloseable {

  private static final String METRIC = "redis.commands";
  private static final String CONNECTION_CLOSED = "CONNECTION_CLOSED";

  private final Redis client;
  private final RedisSettings settings;
  private final MeterRegistry meters;
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  private RedisStore(Redis client, RedisSettings settings, MeterRegistry meters) {
    this.client = client;
    this.settings = settings;
    this.meters = meters;
  }

  /** Creates the pooled client; connections are opened on first use and re-opened after loss. */
  public static RedisStore create(Vertx vertx, RedisSettings settings, MeterRegistry meters) {
    RedisEndpoint endpoint = settings.endpoint();
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(endpoint.connectionString())
            .setMaxPoolSize(settings.maxPoolSize())
            .setMaxPoolWaiting(settings.maxPoolWaiting())
            .setMaxWaitingHandlers(settings.maxPoolWaiting())
            .setPoolName("infrafabric-redis-" + System.identityHashCode(settings));
    if (endpoint.user() != null) {
      options.setUser(endpoint.user());
    }
    if (endpoint.password() != null) {
      options.setPassword(endpoint.password());
    }
    if (endpoint.tls()) {
      options.setNetClientOptions(
          new NetClientOptions()
              .setSsl(true)
              .setHostnameVerificationAlgorithm("HTTPS")
              .setConnectTimeout((int) settings.commandTimeout().toMillis()));
    } else {
      options.setNetClientOptions(
          new NetClientOptions().setConnectTimeout((int) settings.commandTimeout().toMillis()));
    }
    return new RedisStore(Redis.createClient(vertx, options), settings, meters);
  }

  public RedisSettings settings() {
    return settings;
  }

  /**
   * Runs {@code script} atomically with {@code EVALSHA}, loading it with {@code EVAL} if this
   * server does not know it yet (first call, restart, failover).
   */
  public Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
    long start = System.nanoTime();
    Future<Response> result =
        client
            .send(scriptCall(Command.EVALSHA, script.sha1(), keys, args))
            .recover(
                error ->
                    isNoScript(error)
                        ? client.send(scriptCall(Command.EVAL, script.source(), keys, args))
                        : Future.failedFuture(error));
    return finish(script.name(), start, result);
  }

  /** Sends one plain command. */
  public Future<Response> send(Request request) {
    return finish(
        request.command().toString().toLowerCase(), System.nanoTime(), client.send(request));
  }

  /** Sends commands back to back on one connection (not a transaction: use a script for that). */
  public Future<List<Response>> batch(List<Request> requests) {
    return finish("batch", System.nanoTime(), client.batch(requests));
  }

  /** Sends {@code SCRIPT LOAD} for each script, so the first real call is a plain EVALSHA. */
  public Future<Void> load(Collection<LuaScript> scripts) {
    List<Request> loads =
        scripts.stream().map(s -> Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.source())).toList();
    return batch(loads).mapEmpty();
  }

  /** True if the server has every script cached (a readiness signal: it has been loaded). */
  public Future<Boolean> hasScripts(Collection<LuaScript> scripts) {
    Request exists = Request.cmd(Command.SCRIPT).arg("EXISTS");
    scripts.forEach(s -> exists.arg(s.sha1()));
    return send(exists).map(reply -> reply.stream().allMatch(flag -> flag.toInteger() == 1));
  }

  /** A full round trip: succeeds only if Redis answered PING. */
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  @Override
  public void close() {
    client.close();
  }

  private static Request scriptCall(
      Command command, String scriptOrSha, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static boolean isNoScript(Throwable error) {
    return isErrorReply(error) && error.toString().startsWith("NOSCRIPT");
  }

  /**
   * True for an error Redis itself answered. The client reports a connection lost mid-command as an
   * error reply too ({@code CONNECTION_CLOSED}), but that outcome is unknown, not refused.
   */
  private static boolean isErrorReply(Throwable error) {
    return error instanceof Response reply
        && reply.type() == ResponseType.ERROR
        && !error.toString().startsWith(CONNECTION_CLOSED);
  }

  private <T> Future<T> finish(String name, long startNanos, Future<T> command) {
    return command
        .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .transform(
            outcome -> {
              if (outcome.succeeded()) {
                record(name, "ok", startNanos);
                return Future.succeededFuture(outcome.result());
              }
              Throwable error = outcome.cause();
              if (isErrorReply(error)) {
                record(name, "error", startNanos);
                return Future.failedFuture(
                    new RedisCommandException("Redis refused " + name + ": " + error, error));
              }
              record(name, "unavailable", startNanos);
              return Future.failedFuture(
                  new RedisUnavailableException(
                      "Redis did not answer "
                          + name
                          + " within "
                          + settings.commandTimeout().toMillis()
                          + " ms",
                      error));
            });
  }

  private void record(String name, String outcome, long startNanos) {
    timers
        .computeIfAbsent(
            name + ' ' + outcome,
            key ->
                Timer.builder(METRIC)
                    .description("Redis command and script latency")
                    .tag("command", name)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(meters))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
