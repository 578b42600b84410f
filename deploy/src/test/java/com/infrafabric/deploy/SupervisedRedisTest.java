package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RespProbe;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: the embedded redis-server of {@code serve} stayed dead once it exited (killed by the
 * out-of-memory killer or by hand), leaving the node down until someone restarted it.
 */
@Timeout(120)
class SupervisedRedisTest {

  @TempDir Path data;

  @Test
  void aServerThatDiesIsStartedAgainOnTheSameEndpoint() {
    try (SupervisedRedis redis =
        SupervisedRedis.start(ManagedRedisServer.builder(data).stoppedByOwnerOnExit().build())) {
      RedisEndpoint endpoint = redis.server().endpoint();
      for (int crash = 0; crash < 2; crash++) {
        long pid = redis.server().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> RespProbe.ping(endpoint, Duration.ofSeconds(1)) == null);
        assertThat(redis.server().pid()).isNotEqualTo(pid);
      }
    }
  }

  @Test
  void closingStopsTheServerForGood() throws Exception {
    SupervisedRedis redis =
        SupervisedRedis.start(ManagedRedisServer.builder(data).stoppedByOwnerOnExit().build());
    RedisEndpoint endpoint = redis.server().endpoint();

    redis.close();

    await()
        .during(Duration.ofMillis(SupervisedRedis.FIRST_DELAY_MILLIS + 500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !redis.server().isRunning());
    assertThat(RespProbe.ping(endpoint, Duration.ofMillis(500))).isNotNull();
  }
}
