package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
        .hasMessage(
            "REDIS_URL scheme must be redis://, rediss://, redis-sentinel:// or redis-cluster://,"
                + " not http://");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:topsecret@h:1/x"))
        .hasMessageNotContaining("topsecret");
  }

  /**
   * Regression (probe): a password holding an unencoded '/' was read up to it as the host and port,
   * so "port must be a number, not ab" quoted its start; a bad percent-encoding quoted the
   * decoder's view of it, and a password in a query was echoed whole. No refusal quotes any part of
   * the user information, and a password with '/' or '?' is read as the password.
   */
  @Test
  void noRefusalQuotesAnyPartOfThePassword() {
    assertThat(RedisEndpoint.parse("redis://:ab/cd?LEAK9@127.0.0.1:7000/1").password())
        .isEqualTo("ab/cd?LEAK9");
    for (String url :
        List.of(
            "redis://:ab%zzLEAK1@127.0.0.1:1/0",
            "redis://:LEAK2@127.0.0.1:1/0?password=LEAK3",
            "redis://127.0.0.1:1/0?password=LEAK4",
            "redis://u%zLEAK5:pw@h:1",
            "redis://:LEAK6@h:notaport/0",
            "redis-sentinel://:LEAK7@s1:26379/ma%zzster/0")) {
      assertThatThrownBy(() -> RedisEndpoint.parse(url))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("LEAK")
          .hasMessageNotContaining("zz");
    }
  }

  @Test
  void parsesSentinelSeedsAndMasterName() {
    RedisEndpoint endpoint =
        RedisEndpoint.parse("redis-sentinel://:pw@s1:26379,s2:26380,s3/infra/3");
    assertThat(endpoint.topology()).isEqualTo(RedisEndpoint.Topology.SENTINEL);
    assertThat(endpoint.addresses())
        .containsExactly(
            new RedisEndpoint.Address("s1", 26379),
            new RedisEndpoint.Address("s2", 26380),
            new RedisEndpoint.Address("s3", 6379));
    assertThat(endpoint.masterName()).isEqualTo("infra");
    assertThat(endpoint.database()).isEqualTo(3);
    assertThat(endpoint.toString())
        .isEqualTo("redis-sentinel://:***@s1:26379,s2:26380,s3:6379/infra/3");
  }

  @Test
  void parsesClusterSeedsWithTls() {
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss-cluster://u:secret@n1:7000,n2:7001");
    assertThat(endpoint.topology()).isEqualTo(RedisEndpoint.Topology.CLUSTER);
    assertThat(endpoint.tls()).isTrue();
    assertThat(endpoint.addresses()).hasSize(2);
    assertThat(endpoint.toString()).isEqualTo("rediss-cluster://u:***@n1:7000,n2:7001");
  }

  @Test
  void refusesTopologiesThatCannotWork() {
    assertThatThrownBy(() -> RedisEndpoint.parse("redis-sentinel://:secret@s1:26379"))
        .hasMessageContaining("must name the Sentinel master")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis-cluster://:secret@n1:7000/2"))
        .hasMessage("a Redis Cluster has database 0 only, not 2");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://:secret@h1:1,h2:2"))
        .hasMessageContaining("names one server");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://:secret@h1:port"))
        .hasMessage("REDIS_URL port must be a number, not port");
  }
}
