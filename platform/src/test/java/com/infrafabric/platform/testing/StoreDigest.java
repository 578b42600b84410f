package com.infrafabric.platform.testing;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import java.util.List;

/**
 * A digest of everything a service keeps in Redis, to check that a refused request changed nothing:
 * every key with its type and content (a stream by its length and last id), in key order.
 * Rate-limit buckets are left out, since every authenticated request takes from its bucket. For
 * tests only: it reads the whole keyspace in one script.
 */
public final class StoreDigest {

  private static final LuaScript DIGEST =
      LuaScript.of(
          "store_digest",
          """
          local function sorted(values) table.sort(values) return table.concat(values, '\\0') end
          local function pairs_of(flat)
            local joined = {}
            for i = 1, #flat, 2 do joined[#joined + 1] = flat[i] .. '=' .. flat[i + 1] end
            return sorted(joined)
          end
          local keys = redis.call('KEYS', '*')
          table.sort(keys)
          local parts = {}
          for _, key in ipairs(keys) do
            if not string.find(key, ':ratelimit:', 1, true) then
              local kind = redis.call('TYPE', key).ok
              local value = ''
              if kind == 'string' then value = redis.call('GET', key)
              elseif kind == 'hash' then value = pairs_of(redis.call('HGETALL', key))
              elseif kind == 'set' then value = sorted(redis.call('SMEMBERS', key))
              elseif kind == 'zset' then
                value = table.concat(redis.call('ZRANGE', key, 0, -1, 'WITHSCORES'), '\\0')
              elseif kind == 'list' then value = table.concat(redis.call('LRANGE', key, 0, -1), '\\0')
              elseif kind == 'stream' then
                local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
                value = redis.call('XLEN', key) .. '@' .. (last[1] and last[1][1] or '')
              end
              parts[#parts + 1] = key .. '\\1' .. kind .. '\\1' .. value
            end
          end
          return redis.sha1hex(table.concat(parts, '\\2'))
          """);

  private StoreDigest() {}

  /** The digest of the whole store as it is now. */
  public static String of(RedisStore redis) {
    return Await.result(redis.eval(DIGEST, List.of(), List.of())).toString();
  }
}
