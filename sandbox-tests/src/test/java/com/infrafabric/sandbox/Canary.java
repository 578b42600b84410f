package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.SecretAssertions;
import io.micrometer.core.instrument.MeterRegistry;

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
    SecretAssertions.assertNotInRedis(endpoint, SECRET, "canary-5f1d");
  }
}
