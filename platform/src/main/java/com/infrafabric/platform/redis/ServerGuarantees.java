package com.infrafabric.platform.redis;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one Redis server promises to keep, as its {@code INFO memory}, {@code INFO persistence} and
 * {@code INFO replication} report it. {@code INFO} rather than {@code CONFIG GET}: managed Redis
 * services often refuse {@code CONFIG} but answer {@code INFO}, and an operator may change each
 * setting at runtime ({@code CONFIG SET}, a replica detached), so a service reads them at start, on
 * every readiness check and in the background ({@link GuaranteeChecks}).
 *
 * @param master whether the server answers as a master ({@code role:master}); what a replica
 *     promises says nothing about the master whose writes it copies
 * @param maxmemoryPolicy what the server does at {@code maxmemory} ({@code noeviction}: refuses
 *     writes; any other policy deletes keys)
 * @param appendOnly whether every write goes to the append-only file ({@code aof_enabled:1})
 * @param onlineReplicas how many replicas are connected and past their initial sync ({@code
 *     slave<n>:...,state=online,...}), the ones that can acknowledge a {@code WAIT}: what {@link
 *     RedisSettings.Durability#REPLICATED} needs at least one of
 */
record ServerGuarantees(
    boolean master, String maxmemoryPolicy, boolean appendOnly, int onlineReplicas) {

  static final String NO_EVICTION = "noeviction";

  private static final Pattern ONLINE_REPLICA = Pattern.compile("slave\\d+:.*\\bstate=online\\b");

  /**
   * Reads the fields from the text of {@code INFO memory}, {@code INFO persistence} and {@code INFO
   * replication}.
   *
   * @throws IllegalStateException if a field is missing (not a Redis, or one too old)
   */
  static ServerGuarantees parse(String memory, String persistence, String replication) {
    return new ServerGuarantees(
        "master".equals(field(replication, "role")),
        field(memory, "maxmemory_policy"),
        "1".equals(field(persistence, "aof_enabled")),
        onlineReplicas(replication));
  }

  private static int onlineReplicas(String replication) {
    field(replication, "connected_slaves");
    return (int)
        replication.lines().filter(line -> ONLINE_REPLICA.matcher(line).lookingAt()).count();
  }

  /**
   * Why a service must not keep its state on this master under {@code settings}' persistence and
   * durability, as one sentence naming the setting and what to set; empty when it may. Under {@code
   * REPLICATED} a master with no replica online is refused: every money script would run there and
   * then wait in vain for a confirmation ({@code WAIT 1}), answering outcome unknown while its hold
   * stayed applied.
   */
  Optional<String> refusal(RedisSettings settings) {
    return evictionOrLoss(settings.persistence()).or(() -> noReplica(settings.durability()));
  }

  private Optional<String> evictionOrLoss(RedisSettings.Persistence required) {
    if (!NO_EVICTION.equals(maxmemoryPolicy)) {
      return Optional.of(
          "maxmemory-policy is "
              + maxmemoryPolicy
              + ", which deletes keys (budget counters, holds, idempotency records, tasks) when"
              + " memory runs out; set maxmemory-policy noeviction");
    }
    if (required == RedisSettings.Persistence.APPEND_ONLY && !appendOnly) {
      return Optional.of(
          "appendonly is no, so a restart loses every write since the last snapshot; set"
              + " appendonly yes (or redis.persistence=none for a Redis whose loss is accepted)");
    }
    return Optional.empty();
  }

  private Optional<String> noReplica(RedisSettings.Durability durability) {
    if (durability == RedisSettings.Durability.REPLICATED && onlineReplicas < 1) {
      return Optional.of(
          "redis.durability is replicated but no replica is online, so no money write could be"
              + " confirmed (WAIT 1); attach a replica (replicaof) or set"
              + " redis.durability=acknowledged");
    }
    return Optional.empty();
  }

  private static String field(String info, String name) {
    String prefix = name + ":";
    return info.lines()
        .filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()).trim())
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException("Redis INFO does not report " + name + "; not Redis 7?"));
  }
}
