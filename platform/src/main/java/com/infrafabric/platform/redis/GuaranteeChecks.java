package com.infrafabric.platform.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what each master of a store promises to keep ({@link ServerGuarantees}) and keeps the
 * finding on its {@link Shard#guarantees() watch}, where every script sent to it looks: once at
 * start and on every readiness check ({@link RedisStore#refusal()}), and in the background every
 * {@link #INTERVAL} on every master the store knows (each master of a cluster, a Sentinel group's
 * current master), so that a master made unfit at runtime takes no more writes within about that
 * long even when nothing probes readiness.
 *
 * <p>A check never runs on a script's path, and never on a request's connection: it goes on the
 * master's own check connection ({@link Shard#checks()}), at most one at a time per master, bounded
 * by the connect and command timeouts, and touches neither the master's {@link StoreHealth} nor its
 * loop connections. A check that fails tells nothing about the master's settings and leaves the
 * finding as it was. Its cost: one connection and one batch of three {@code INFO} sections per
 * master per interval, per store.
 *
 * <p>Thread-safe.
 */
final class GuaranteeChecks implements AutoCloseable {

  /** How often every known master is checked in the background. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  /** The {@code INFO} sections a check reads, in the order {@link ServerGuarantees#parse} takes. */
  static final List<String> INFO = List.of("memory", "persistence", "replication");

  private static final Logger LOG = LoggerFactory.getLogger(GuaranteeChecks.class);

  private final Vertx vertx;
  private final Shards shards;
  private final RedisSettings settings;
  private final Duration connectTimeout;
  private final long timer;

  private GuaranteeChecks(
      Vertx vertx, Shards shards, RedisSettings settings, Duration connectTimeout) {
    this.vertx = vertx;
    this.shards = shards;
    this.settings = settings;
    this.connectTimeout = connectTimeout;
    this.timer = vertx.setPeriodic(INTERVAL.toMillis(), INTERVAL.toMillis(), id -> checkKnown());
  }

  /**
   * Starts checking {@code shards}' masters every {@link #INTERVAL}, the first one interval from
   * now; getting a check connection may take up to {@code connectTimeout}, its answer the command
   * timeout. {@link #close()} stops it.
   */
  static GuaranteeChecks start(
      Vertx vertx, Shards shards, RedisSettings settings, Duration connectTimeout) {
    return new GuaranteeChecks(vertx, shards, settings, connectTimeout);
  }

  /**
   * Checks {@code master} now, or joins the check of it already running, and keeps what it finds:
   * why no service may keep its state there under the settings, one sentence naming the master, the
   * setting and what to set; empty when it keeps what it is given. Fails with {@link
   * RedisUnavailableException} when the master could not be read, and with {@link
   * IllegalStateException} when a replica answered for it (the Redis URL names a replica, or a
   * failover is under way): the finding then stands. The two differ to a launcher: an outage
   * passes, a URL naming a replica is a configuration to change.
   */
  Future<Optional<String>> refusal(Shard master) {
    return master.guarantees().check(() -> read(master));
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }

  private void checkKnown() {
    for (Shard master : shards.known()) {
      refusal(master)
          .onFailure(
              unknown -> LOG.debug("guarantee check left the finding as it was: {}", unknown));
    }
  }

  private Future<Optional<String>> read(Shard master) {
    Future<RedisConnection> connecting = master.checks().connect();
    return connecting
        .timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        // A connection that arrives after the deadline goes back to its pool of one at once.
        .onFailure(late -> connecting.onSuccess(RedisConnection::close))
        .recover(error -> Future.failedFuture(unread(master, error, connectTimeout)))
        .compose(connection -> info(master, connection))
        .compose(replies -> finding(master, replies));
  }

  private Future<List<Response>> info(Shard master, RedisConnection connection) {
    Duration timeout = settings.commandTimeout();
    return connection
        .batch(INFO.stream().map(section -> Request.cmd(Command.INFO).arg(section)).toList())
        .andThen(done -> connection.close())
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(unread(master, error, timeout)));
  }

  private static RedisUnavailableException unread(Shard master, Throwable error, Duration timeout) {
    return RedisUnavailableException.notApplied(
        "Redis ("
            + master
            + ") could not serve its guarantee check ("
            + RedisStore.reason(error, timeout)
            + ")",
        error);
  }

  private Future<Optional<String>> finding(Shard master, List<Response> replies) {
    ServerGuarantees found =
        ServerGuarantees.parse(
            replies.get(0).toString(), replies.get(1).toString(), replies.get(2).toString());
    if (!found.master()) {
      return Future.failedFuture(
          new IllegalStateException(
              "Redis "
                  + master
                  + " answers as a replica, so what it keeps says nothing of its master; name"
                  + " the master (or its Sentinels) in the Redis URL"));
    }
    return Future.succeededFuture(
        found.refusal(settings).map(reason -> "Redis " + master + ": " + reason));
  }
}
