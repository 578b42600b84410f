package com.infrafabric.platform.redis;

import java.util.Optional;

/**
 * What one Redis master promises to keep, as its {@code INFO memory} and {@code INFO persistence}
 * report it. {@code INFO} rather than {@code CONFIG GET}: managed Redis services often refuse
 * {@code CONFIG} but answer {@code INFO}, and an operator may change either setting at runtime
 * ({@code CONFIG SET}), so a service reads them at start and on every readiness check.
 *
 * @param maxmemoryPolicy what the server does at {@code maxmemory} ({@code noeviction}: refuses
 *     writes; any other policy deletes keys)
 * @param appendOnly whether every write goes to the append-only file ({@code aof_enabled:1})
 */
record ServerGuarantees(String maxmemoryPolicy, boolean appendOnly) {

  static final String NO_EVICTION = "noeviction";

  /**
   * Reads the two fields from the text of {@code INFO memory} and {@code INFO persistence}.
   *
   * @throws IllegalStateException if either field is missing (not a Redis, or one too old)
   */
  static ServerGuarantees parse(String memory, String persistence) {
    return new ServerGuarantees(
        field(memory, "maxmemory_policy"), "1".equals(field(persistence, "aof_enabled")));
  }

  /**
   * Why a service must not keep its state on this server under {@code required}, as one sentence
   * naming the setting and what to set; empty when it may.
   */
  Optional<String> refusal(RedisSettings.Persistence required) {
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
