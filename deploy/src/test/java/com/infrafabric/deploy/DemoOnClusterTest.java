package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.RedisClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end-to-end scenario on a Redis Cluster (3 masters, 3 replicas) named by a {@code
 * redis-cluster://} URL: every invariant holds, and every Lua script it runs ran on the cluster
 * without a redirect loop or a {@code CROSSSLOT} refusal.
 */
class DemoOnClusterTest {

  @RegisterExtension static final RedisClusterExtension CLUSTER = RedisClusterExtension.create();

  @Test
  @Timeout(300)
  void theEndToEndScenarioHoldsEveryInvariantOnACluster() throws Exception {
    RedisEndpoint cluster = CLUSTER.endpoint();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(
        "REDIS_URL",
        "redis-cluster://:"
            + cluster.password()
            + "@"
            + cluster.addresses().stream()
                .map(RedisEndpoint.Address::toString)
                .collect(Collectors.joining(",")));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, String> scrapes = new HashMap<>();

    int status =
        new DemoCommand(env, Clock.systemUTC())
            .run(new PrintStream(printed, true, StandardCharsets.UTF_8), scrapes::putAll);

    String summary = printed.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();
    assertThat(summary).contains("All invariants hold.").doesNotContain("FAIL ");
    List<String> commands =
        scrapes
            .get("governor")
            .lines()
            .filter(line -> line.startsWith("redis_commands_seconds_count"))
            .toList();
    assertThat(commands)
        .as("scripts of the governor, the chassis and the rate limiter ran on the cluster")
        .anyMatch(line -> line.contains("command=\"reserve\",outcome=\"ok\""))
        .anyMatch(line -> line.contains("command=\"claim\",outcome=\"ok\""))
        .anyMatch(line -> line.contains("command=\"chassis_grant_use\",outcome=\"ok\""))
        .anyMatch(line -> line.contains("command=\"bucket_cas\",outcome=\"ok\""));
    assertThat(commands)
        .as("every command went to its key's master at once, and none was refused")
        .noneMatch(line -> line.contains("outcome=\"redirected\""))
        .noneMatch(line -> line.contains("outcome=\"error\""));
  }
}
