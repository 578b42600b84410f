package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A secret that must never be seen, and the places a test looks for it: an invocation's result, the
 * logs, every key and value in Redis (kv values decoded), every meter's tags.
 */
final class Canary {

  static final String SECRET = "sk-canary-5f1d0c7e9a2b4468";

  private Canary() {}

  /** Output, message and the guest's logs. */
  static void absentFrom(InvocationResult result) {
    assertThat(result.output()).doesNotContain(SECRET).doesNotContain("canary-5f1d");
    assertThat(result.message()).doesNotContain(SECRET);
    result.logs().forEach(log -> assertThat(log.message()).doesNotContain(SECRET));
  }

  static void absentFrom(String text) {
    assertThat(text).doesNotContain(SECRET).doesNotContain("canary-5f1d");
  }

  /** No meter anywhere carries it in a tag. */
  static void absentFrom(MeterRegistry meters) {
    meters
        .getMeters()
        .forEach(
            meter ->
                meter.getId().getTags().forEach(tag -> absentFrom(tag.getKey() + tag.getValue())));
  }

  /** Every string and hash in Redis, with kv values (stored in Base64) decoded. */
  static void absentFromRedis(RedisEndpoint endpoint) {
    Vertx vertx = Vertx.vertx();
    RedisStore redis =
        RedisStore.create(vertx, RedisSettings.of(endpoint), new SimpleMeterRegistry());
    try {
      for (String key : list(Await.result(redis.send(Request.cmd(Command.KEYS).arg("*"))))) {
        String type = Await.result(redis.send(Request.cmd(Command.TYPE).arg(key))).toString();
        List<String> values = new ArrayList<>(List.of(key));
        if (type.equals("hash")) {
          values.addAll(
              fieldsAndValues(Await.result(redis.send(Request.cmd(Command.HGETALL).arg(key)))));
        } else if (type.equals("string")) {
          values.add(Await.result(redis.send(Request.cmd(Command.GET).arg(key))).toString());
        }
        values.forEach(value -> absentFrom(value + decoded(value)));
      }
    } finally {
      redis.close();
      vertx.close().await();
    }
  }

  private static List<String> list(Response reply) {
    List<String> all = new ArrayList<>();
    reply.forEach(item -> all.add(item.toString()));
    return all;
  }

  private static List<String> fieldsAndValues(Response hash) {
    List<String> all = new ArrayList<>();
    for (String field : hash.getKeys()) {
      all.add(field);
      all.add(hash.get(field).toString());
    }
    return all;
  }

  private static String decoded(String value) {
    try {
      return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return "";
    }
  }
}
