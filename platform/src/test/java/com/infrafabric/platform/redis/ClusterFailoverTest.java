package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.FailoverUnderLoad;
import com.infrafabric.platform.testing.RedisClusterExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills one master of a loaded cluster: the tenants of the other masters must not notice, and those
 * of the killed one must fail closed and be served again soon after the promotion.
 */
@Timeout(180)
class ClusterFailoverTest {

  @RegisterExtension static final RedisClusterExtension CLUSTER = RedisClusterExtension.create();

  private static final int TENANTS = 60;
  private static final int WORKERS = 6;

  private static OpenStore opened;

  @BeforeAll
  static void connect() {
    opened =
        OpenStore.open(
            RedisSettings.of(CLUSTER.endpoint()).withCommandTimeout(Duration.ofMillis(500)));
  }

  @AfterAll
  static void close() {
    opened.close();
  }

  @Test
  void otherShardsServeWithoutErrorsWhileOneMasterFailsOver() throws Exception {
    List<String> keys = IntStream.range(0, TENANTS).mapToObj(i -> "{tenant-" + i + "}:n").toList();
    AtomicBoolean vertxClusterClientFailed = new AtomicBoolean();

    FailoverUnderLoad.Cost cost =
        FailoverUnderLoad.run(
            CLUSTER,
            keys,
            key -> key,
            WORKERS,
            key ->
                opened
                    .store()
                    .eval(OpenStore.INCR_BY, List.of(key), List.of("1"))
                    .await(5, TimeUnit.SECONDS),
            () -> vertxClusterClientFailed.set(vertxClusterClientFailsForAHealthyShard(keys)));

    assertThat(vertxClusterClientFailed)
        .as("the Vert.x cluster client fails even a healthy shard's command while a master is down")
        .isTrue();
    System.out.println("cluster failover under EVALSHA load: " + cost);
  }

  /**
   * Why we route ourselves: the Vert.x cluster client connects to every node of the slot map for
   * each connection and fails unless all answer, so a command for a healthy master fails too.
   */
  private static boolean vertxClusterClientFailsForAHealthyShard(List<String> keys) {
    String healthy =
        keys.stream().filter(k -> CLUSTER.masterOf(k).isRunning()).findFirst().orElseThrow();
    RedisEndpoint endpoint = CLUSTER.endpoint();
    RedisOptions options =
        new RedisOptions().setType(RedisClientType.CLUSTER).setPassword(endpoint.password());
    endpoint.addresses().forEach(a -> options.addConnectionString(endpoint.connectionString(a)));
    Redis client = Redis.createClient(opened.vertx(), options);
    try {
      client.send(Request.cmd(Command.GET).arg(healthy)).await(5, TimeUnit.SECONDS);
      return false;
    } catch (Exception expected) {
      return expected.getMessage() != null
          && expected.getMessage().contains("Failed to connect to all nodes of the cluster");
    } finally {
      client.close();
    }
  }
}
