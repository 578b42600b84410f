package com.infrafabric.platform.redis;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the one shared Redis client of a process connects and how far it may be loaded.
 *
 * @param endpoint where the servers are
 * @param commandTimeout how long a sent command may wait for its answer before the caller gets
 *     {@link RedisUnavailableException} (outcome unknown); getting a connection first may take as
 *     long, and at least 5 s, since a fresh connection needs its own round trips
 * @param maxPoolSize pooled connections per master, hence commands in flight at once on them; and
 *     the most scripts one event loop may have in flight at once on its own connection to a master
 *     (beyond that they take pooled connections)
 * @param maxPoolWaiting commands allowed to wait for a connection to one master; beyond that a
 *     command fails at once instead of queueing without bound
 * @param durability when a money script counts as done
 * @param persistence what every master must keep across its own restart, checked against the server
 *     at start and by readiness ({@link ServerGuarantees})
 */
public record RedisSettings(
    RedisEndpoint endpoint,
    Duration commandTimeout,
    int maxPoolSize,
    int maxPoolWaiting,
    Durability durability,
    Persistence persistence) {

  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1000);
  public static final int DEFAULT_MAX_POOL_SIZE = 32;
  public static final int DEFAULT_MAX_POOL_WAITING = 2048;

  public RedisSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(persistence, "persistence");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException(
          "redis.commandTimeout must be positive, not " + commandTimeout.toMillis() + " ms");
    }
    if (maxPoolSize < 1 || maxPoolSize > 1024) {
      throw new IllegalArgumentException(
          "redis.maxPoolSize " + maxPoolSize + " is outside 1..1024");
    }
    if (maxPoolWaiting < 0 || maxPoolWaiting > 100_000) {
      throw new IllegalArgumentException(
          "redis.maxPoolWaiting " + maxPoolWaiting + " is outside 0..100000");
    }
  }

  /** Default limits for {@code endpoint}. */
  public static RedisSettings of(RedisEndpoint endpoint) {
    return new RedisSettings(
        endpoint,
        DEFAULT_COMMAND_TIMEOUT,
        DEFAULT_MAX_POOL_SIZE,
        DEFAULT_MAX_POOL_WAITING,
        Durability.ACKNOWLEDGED,
        Persistence.APPEND_ONLY);
  }

  public RedisSettings withCommandTimeout(Duration timeout) {
    return new RedisSettings(
        endpoint, timeout, maxPoolSize, maxPoolWaiting, durability, persistence);
  }

  /** The same limits and durability for another Redis (the chassis's own kv store). */
  public RedisSettings withEndpoint(RedisEndpoint other) {
    return new RedisSettings(
        other, commandTimeout, maxPoolSize, maxPoolWaiting, durability, persistence);
  }

  public RedisSettings withDurability(Durability chosen) {
    return new RedisSettings(
        endpoint, commandTimeout, maxPoolSize, maxPoolWaiting, chosen, persistence);
  }

  public RedisSettings withPersistence(Persistence chosen) {
    return new RedisSettings(
        endpoint, commandTimeout, maxPoolSize, maxPoolWaiting, durability, chosen);
  }

  /**
   * How long a {@link Durability#REPLICATED} money script waits for a replica's acknowledgement:
   * half the command timeout, so that the script and the wait together fit in it.
   */
  public Duration replicaTimeout() {
    return commandTimeout.dividedBy(2);
  }

  /** When a money script (reserve, commit, charge, release) counts as done. */
  public enum Durability {
    /**
     * When the master has run it. A failover right after may lose it (Redis replicates
     * asynchronously): the promoted replica may not have it, and the caller was told it happened.
     */
    ACKNOWLEDGED,
    /**
     * When the master has run it and at least one replica has it too ({@code WAIT 1}): a failover
     * to that replica loses no acknowledged charge. If no replica confirms within {@link
     * #replicaTimeout()}, the caller gets outcome unknown (the script ran on the master; a retry
     * with the same idempotency key is safe) rather than a promise the store cannot keep.
     */
    REPLICATED;

    /** Parses {@code acknowledged} or {@code replicated}. */
    public static Durability parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "redis.durability must be acknowledged or replicated, not " + value);
      }
    }
  }

  /**
   * What a master must keep across its own restart. Either way it must never evict a key ({@code
   * maxmemory-policy noeviction}): an evicted counter, hold, idempotency record or task is spend
   * forgotten, a charge applied twice, a task claimed twice.
   */
  public enum Persistence {
    /**
     * Every write is in the append-only file ({@code aof_enabled:1}): a master that restarts, with
     * no replica to take over or before one does, comes back with every acknowledged answer. A
     * master with only RDB snapshots (or none) comes back with whatever its last snapshot held, and
     * its replicas copy that loss from it.
     */
    APPEND_ONLY,
    /**
     * Not checked: for a throwaway Redis (a restore drill, a demo) whose loss on restart is
     * accepted. Never for budgets that matter.
     */
    NONE;

    /** Parses {@code append-only} or {@code none}. */
    public static Persistence parse(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "append-only" -> APPEND_ONLY;
        case "none" -> NONE;
        default ->
            throw new IllegalArgumentException(
                "redis.persistence must be append-only or none, not " + value);
      };
    }
  }
}
