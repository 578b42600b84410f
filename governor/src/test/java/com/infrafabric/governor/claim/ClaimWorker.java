package com.infrafabric.governor.claim;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;

/**
 * A second governor process for {@link ConcurrentClaimTest}: its own JVM, Vert.x and Redis client,
 * claiming the same tasks against the same redis-server. Prints {@code CLAIMED <task> <agent>
 * <lease number> <reservation>} for each claim it wins, then {@code DONE}.
 *
 * <p>Arguments: host, port, clock (epoch ms), tenant, scope, capability count, task count (task i
 * requires capability {@code c<i mod count>}, as in the test); the server's password comes from the
 * environment variable {@code REDIS_PASSWORD}. Prints {@code READY} once connected.
 */
public final class ClaimWorker {

  private ClaimWorker() {}

  public static void main(String[] args) throws IOException {
    RedisEndpoint endpoint =
        new RedisEndpoint(args[0], Integer.parseInt(args[1]), System.getenv("REDIS_PASSWORD"));
    MutableClock clock = MutableClock.at(Instant.ofEpochMilli(Long.parseLong(args[2])));
    RedisServerExtension.warmUpClient(endpoint);
    try (ClaimRig rig = new ClaimRig(endpoint, clock, Files.createTempDirectory("claim-worker"))) {
      int capabilities = Integer.parseInt(args[5]);
      int tasks = Integer.parseInt(args[6]);
      System.out.println("READY");
      for (int i = tasks - 1; i >= 0; i--) {
        Map<String, Integer> required = Map.of("c" + i % capabilities, 1);
        ClaimOutcome outcome =
            rig.claim(ClaimRig.task("task-" + i, args[4], required, 1_000_000_000));
        if (outcome instanceof Claimed claimed) {
          System.out.println(
              "CLAIMED "
                  + claimed.taskId()
                  + ' '
                  + claimed.agentId()
                  + ' '
                  + claimed.lease().number()
                  + ' '
                  + claimed.reservation());
        }
      }
    }
    System.out.println("DONE");
  }
}
