package com.infrafabric.deploy.backup;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * How many keys a database holds, by Redis type and by key prefix: what a backup's manifest records
 * and what a restore must reproduce exactly.
 *
 * <p>A key's prefix is its first three {@code :}-separated parts with every hash tag shown as
 * {@code {*}}, so {@code gov:{acme}:ledger} and {@code gov:{globex}:ledger} count together as
 * {@code gov:{*}:ledger} and the manifest stays small however many tenants there are.
 *
 * @param total keys in the database
 * @param withExpiry keys with an expiry time: the most keys a restore may find missing because
 *     their expiry passed since the backup
 * @param byType keys per Redis type (string, hash, zset, stream, ...)
 * @param byPrefix keys per prefix
 */
record KeyInventory(
    long total, long withExpiry, SortedMap<String, Long> byType, SortedMap<String, Long> byPrefix) {

  private static final Pattern HASH_TAG = Pattern.compile("\\{[^}]*}");
  private static final int PREFIX_PARTS = 3;
  static final int SCAN_PAGE = 1_000;

  KeyInventory {
    byType = new TreeMap<>(byType);
    byPrefix = new TreeMap<>(byPrefix);
  }

  /** Counts every key of {@code redis}'s database; exact only while nothing writes to it. */
  static KeyInventory of(RedisSession redis) {
    SortedMap<String, Long> byType = new TreeMap<>();
    SortedMap<String, Long> byPrefix = new TreeMap<>();
    long[] withExpiry = {0};
    long total =
        sumOverPages(
            redis,
            keys -> {
              List<Request> reads = new ArrayList<>(2 * keys.size());
              for (String key : keys) {
                reads.add(Request.cmd(Command.TYPE).arg(key));
                reads.add(Request.cmd(Command.PEXPIRETIME).arg(key));
              }
              List<Response> answers = redis.batch(reads);
              for (int i = 0; i < keys.size(); i++) {
                byType.merge(answers.get(2 * i).toString(), 1L, Long::sum);
                byPrefix.merge(prefixOf(keys.get(i)), 1L, Long::sum);
                withExpiry[0] += answers.get(2 * i + 1).toLong() >= 0 ? 1 : 0;
              }
              return keys.size();
            });
    return new KeyInventory(total, withExpiry[0], byType, byPrefix);
  }

  /**
   * Hands every key of {@code redis}'s database to {@code page}, a SCAN page at a time, and returns
   * the sum of what it returned.
   */
  static long sumOverPages(RedisSession redis, ToLongFunction<List<String>> page) {
    long sum = 0;
    String cursor = "0";
    do {
      Response scan = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("COUNT").arg(SCAN_PAGE));
      cursor = scan.get(0).toString();
      List<String> keys = new ArrayList<>();
      scan.get(1).forEach(key -> keys.add(key.toString()));
      if (!keys.isEmpty()) {
        sum += page.applyAsLong(keys);
      }
    } while (!cursor.equals("0"));
    return sum;
  }

  static String prefixOf(String key) {
    String[] parts = HASH_TAG.matcher(key).replaceAll("{*}").split(":", PREFIX_PARTS + 1);
    return String.join(":", List.of(parts).subList(0, Math.min(parts.length, PREFIX_PARTS)));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("total", total)
        .put("with_expiry", withExpiry)
        .put("by_type", new JsonObject(new TreeMap<String, Object>(byType)))
        .put("by_prefix", new JsonObject(new TreeMap<String, Object>(byPrefix)));
  }

  /**
   * Reads {@link #toJson()}. A manifest written before {@code with_expiry} was recorded counts
   * every key as one that may have expired: it cannot tell.
   */
  static KeyInventory fromJson(JsonObject json) {
    long total = json.getLong("total");
    return new KeyInventory(
        total,
        json.getLong("with_expiry", total),
        counts(json.getJsonObject("by_type")),
        counts(json.getJsonObject("by_prefix")));
  }

  private static SortedMap<String, Long> counts(JsonObject json) {
    SortedMap<String, Long> counts = new TreeMap<>();
    json.forEach(entry -> counts.put(entry.getKey(), ((Number) entry.getValue()).longValue()));
    return counts;
  }
}
