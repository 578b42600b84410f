package com.infrafabric.governor.tenant;

import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.BiConsumer;

/**
 * Walks a hash with {@code HSCAN} in chunks, so a large hash never blocks Redis in one command nor
 * arrives whole in memory. As {@code HSCAN} promises: every field present for the whole walk is
 * seen at least once (possibly twice), in no particular order.
 */
public final class HashScan {

  /** Fields Redis examines per call. */
  private static final int CHUNK = 500;

  private HashScan() {}

  /** Feeds each field matching the glob {@code match} and its value to {@code sink}. */
  public static Future<Void> scan(
      RedisStore redis, String key, String match, BiConsumer<String, String> sink) {
    return scan(redis, key, match, sink, "0");
  }

  private static Future<Void> scan(
      RedisStore redis, String key, String match, BiConsumer<String, String> sink, String cursor) {
    Request request =
        Request.cmd(Command.HSCAN)
            .arg(key)
            .arg(cursor)
            .arg("MATCH")
            .arg(match)
            .arg("COUNT")
            .arg(CHUNK);
    return redis
        .send(request)
        .compose(
            reply -> {
              Response fields = reply.get(1);
              for (int i = 0; i + 1 < fields.size(); i += 2) {
                sink.accept(fields.get(i).toString(), fields.get(i + 1).toString());
              }
              String next = reply.get(0).toString();
              return next.equals("0")
                  ? Future.succeededFuture()
                  : scan(redis, key, match, sink, next);
            });
  }

  /** {@code text} with the glob metacharacters of Redis's MATCH escaped. */
  public static String literal(String text) {
    return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }
}
