package com.infrafabric.deploy;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The Redis a launch uses: the one {@code REDIS_URL} (or {@code redis.url}) names, or else a
 * private {@code redis-server} this process starts on a free loopback port with the append-only
 * file on, a random password and data under {@code <data>/redis}, starts again should it exit
 * ({@link SupervisedRedis}), and stops on close.
 *
 * <p>A production node sets {@code redis.embedded=false} (the systemd unit does): an operator who
 * meant an external Redis and mistyped or lost its URL then gets a refusal at start, not a node
 * that quietly keeps budgets in a private server no other node sees.
 */
final class RedisChoice implements AutoCloseable {

  private final RedisEndpoint endpoint;
  private final SupervisedRedis managed;

  private RedisChoice(RedisEndpoint endpoint, SupervisedRedis managed) {
    this.endpoint = endpoint;
    this.managed = managed;
  }

  /**
   * @throws IllegalArgumentException if no Redis is named and an embedded one is not allowed, if
   *     {@code REDIS_URL} is set but blank (an unfilled template would otherwise start a private
   *     Redis no other node sees), or if both {@code REDIS_URL} and {@code redis.url} name one
   *     (which wins would be a guess)
   */
  static RedisChoice choose(
      Map<String, String> env,
      Optional<RedisEndpoint> configured,
      boolean embeddedAllowed,
      Path dataDirectory) {
    String url = env.get("REDIS_URL");
    if (url != null) {
      if (url.isBlank()) {
        throw new IllegalArgumentException(
            "REDIS_URL is set but blank; name the Redis (redis://...) or unset it");
      }
      if (configured.isPresent()) {
        throw new IllegalArgumentException(
            "both REDIS_URL and redis.url (IF_REDIS_URL) name a Redis; set only one");
      }
      return new RedisChoice(RedisEndpoint.parse(url), null);
    }
    if (configured.isPresent()) {
      return new RedisChoice(configured.get(), null);
    }
    if (!embeddedAllowed) {
      throw new IllegalArgumentException(
          "redis.embedded is false but neither REDIS_URL nor redis.url names the Redis to use");
    }
    // Stopped by close(), at the end of the node's shutdown: a hook of its own would stop it at
    // the start, while the requests in flight still settle.
    SupervisedRedis server =
        SupervisedRedis.start(
            ManagedRedisServer.builder(dataDirectory.resolve("redis"))
                .stoppedByOwnerOnExit()
                .build());
    return new RedisChoice(server.server().endpoint(), server);
  }

  RedisEndpoint endpoint() {
    return endpoint;
  }

  /** True for the embedded server, which lives in the data directory and serves its node alone. */
  boolean embedded() {
    return managed != null;
  }

  /** How to describe this choice in a log line: never with the password. */
  String describe() {
    return managed == null
        ? "external Redis " + endpoint
        : "embedded redis-server "
            + endpoint
            + " (data in "
            + managed.server().dataDirectory()
            + ")";
  }

  /**
   * Stops the embedded server with SHUTDOWN, without starting it again, and waits for it; an
   * external Redis is left alone.
   */
  @Override
  public void close() {
    if (managed != null) {
      managed.close();
    }
  }
}
