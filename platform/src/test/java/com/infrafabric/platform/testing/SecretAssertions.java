package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/** Canary secrets must appear nowhere a client, an operator or a reader of Redis can see them. */
public final class SecretAssertions {

  private SecretAssertions() {}

  /**
   * Fails if any secret appears in a response body or header or in the captured log; for a token
   * its signature alone counts too, since a log that drops the header and claims still leaks it.
   */
  public static void assertNotLeaked(
      List<HttpResponse<String>> responses, LogCapture logs, String... secrets) {
    String everything =
        responses.stream().map(r -> r.body() + r.headers().map()).collect(Collectors.joining("\n"))
            + "\n"
            + logs.text();
    for (String secret : secrets) {
      assertThat(everything).doesNotContain(secret);
      if (secret.chars().filter(c -> c == '.').count() == 2) {
        assertThat(everything).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
      }
    }
  }

  /**
   * Fails if any secret appears in a key, a string value, or a hash field or value of the Redis at
   * {@code endpoint}, as stored or Base64-decoded (the form kv values are kept in).
   */
  public static void assertNotInRedis(RedisEndpoint endpoint, String... secrets) {
    for (String text : redisContents(endpoint)) {
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  private static List<String> redisContents(RedisEndpoint endpoint) {
    Vertx vertx = Vertx.vertx();
    RedisStore redis =
        RedisStore.create(vertx, RedisSettings.of(endpoint), new SimpleMeterRegistry());
    try {
      List<String> contents = new ArrayList<>();
      for (String key : list(Await.result(redis.send(Request.cmd(Command.KEYS).arg("*"))))) {
        String type = Await.result(redis.send(Request.cmd(Command.TYPE).arg(key))).toString();
        contents.add(key);
        if (type.equals("hash")) {
          contents.addAll(
              fieldsAndValues(Await.result(redis.send(Request.cmd(Command.HGETALL).arg(key)))));
        } else if (type.equals("string")) {
          contents.add(Await.result(redis.send(Request.cmd(Command.GET).arg(key))).toString());
        }
      }
      return contents.stream().map(text -> text + decoded(text)).toList();
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
