package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  @Test
  void parsesUserPasswordTlsAndDatabase() {
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss://gov:s%40cret@redis.internal:6380/2");
    assertThat(endpoint)
        .isEqualTo(new RedisEndpoint("redis.internal", 6380, "gov", "s@cret", true, 2));
    assertThat(endpoint.connectionString()).isEqualTo("rediss://redis.internal:6380/2");
  }

  @Test
  void defaultsPortAndDatabase() {
    assertThat(RedisEndpoint.parse("redis://localhost"))
        .isEqualTo(new RedisEndpoint("localhost", 6379, null, null, false, 0));
    assertThat(RedisEndpoint.parse("redis://:pw@localhost:7000").password()).isEqualTo("pw");
  }

  @Test
  void neverShowsThePassword() {
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://u:topsecret@h:1");
    assertThat(endpoint.toString()).isEqualTo("redis://u:***@h:1/0").doesNotContain("topsecret");
  }

  @Test
  void rejectsOtherSchemesWithoutEchoingTheUrl() {
    assertThatThrownBy(() -> RedisEndpoint.parse("http://u:topsecret@h:1"))
        .hasMessage("REDIS_URL scheme must be redis:// or rediss://, not http://");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:topsecret@h:1/x"))
        .hasMessageNotContaining("topsecret");
  }
}
