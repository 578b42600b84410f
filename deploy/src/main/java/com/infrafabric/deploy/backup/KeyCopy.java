package com.infrafabric.deploy.backup;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies every key of one database into another with {@code DUMP} and {@code RESTORE}, keeping each
 * key's absolute expiry ({@code PEXPIRETIME}, {@code ABSTTL}; Redis 7+). Without {@code REPLACE}: a
 * key the target already holds fails the copy instead of being overwritten, so a writer that
 * reached the target during a restore is noticed.
 */
final class KeyCopy {

  private KeyCopy() {}

  /** Returns how many keys were copied (a key that expired while being read is not). */
  static long copy(RedisSession from, RedisSession to) {
    return KeyInventory.sumOverPages(from, keys -> copyPage(from, to, keys));
  }

  private static long copyPage(RedisSession from, RedisSession to, List<String> keys) {
    List<Request> reads = new ArrayList<>(2 * keys.size());
    for (String key : keys) {
      reads.add(Request.cmd(Command.DUMP).arg(key));
      reads.add(Request.cmd(Command.PEXPIRETIME).arg(key));
    }
    List<Response> dumped = from.batch(reads);
    List<Request> writes = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      Response payload = dumped.get(2 * i);
      long expiresAt = dumped.get(2 * i + 1).toLong();
      if (payload == null || expiresAt == -2) {
        continue;
      }
      writes.add(
          Request.cmd(Command.RESTORE)
              .arg(keys.get(i))
              .arg(Math.max(0, expiresAt))
              .arg(payload.toBytes())
              .arg("ABSTTL"));
    }
    to.batch(writes);
    return writes.size();
  }
}
