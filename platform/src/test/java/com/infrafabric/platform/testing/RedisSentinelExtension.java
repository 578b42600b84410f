package com.infrafabric.platform.testing;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own Sentinel group: a master, two replicas and three {@code
 * redis-sentinel} processes (quorum two) on free loopback ports in one temporary folder, all with
 * one password, killed and deleted after the last test. The Sentinels call a master down after
 * {@value #DOWN_AFTER_MILLIS} ms without an answer, so {@link #killMaster()} followed by {@link
 * #awaitPromotion} reproduces a crash and a failover in a few seconds.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisSentinelExtension SENTINEL = RedisSentinelExtension.create();
 * }</pre>
 */
public final class RedisSentinelExtension implements BeforeAllCallback, AfterAllCallback {

  /** The name the Sentinels monitor the master under. */
  public static final String MASTER_NAME = "infrafabric";

  static final int DOWN_AFTER_MILLIS = 1000;
  private static final int REPLICAS = 2;
  private static final int SENTINELS = 3;
  private static final Duration FORM_DEADLINE = Duration.ofSeconds(60);

  private RedisGroup group;
  private List<ManagedRedisServer> sentinels;

  private RedisSentinelExtension() {}

  public static RedisSentinelExtension create() {
    return new RedisSentinelExtension();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    group = new RedisGroup("infrafabric-redis-sentinel-");
    // Every server may become the master; without a delay its full syncs start at once.
    String[] auth = {"masterauth " + group.password(), "repl-diskless-sync-delay 0"};
    ManagedRedisServer master = group.start("master", builder -> builder.config(auth));
    int masterPort = master.endpoint().port();
    for (int i = 0; i < REPLICAS; i++) {
      group.start(
          "replica-" + i,
          builder -> builder.config(auth).config("replicaof 127.0.0.1 " + masterPort));
    }
    for (int i = 0; i < SENTINELS; i++) {
      group.start(
          "sentinel-" + i,
          builder ->
              builder
                  .sentinel()
                  .config(
                      "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                      "sentinel auth-pass " + MASTER_NAME + " " + group.password(),
                      "sentinel sentinel-pass " + group.password(),
                      "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                      "sentinel failover-timeout " + MASTER_NAME + " 5000"));
    }
    sentinels = group.servers().subList(1 + REPLICAS, group.servers().size());
    RedisGroup.await("the Sentinel group to form", FORM_DEADLINE, () -> formed() ? true : null);
    RedisServerExtension.warmUpClient(master.endpoint());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (group != null) {
      group.close();
    }
  }

  /** The group, as {@code redis-sentinel://:password@host:port,.../infrafabric} names it. */
  public RedisEndpoint endpoint() {
    return new RedisEndpoint(
        RedisEndpoint.Topology.SENTINEL,
        sentinels.stream().map(group::address).toList(),
        MASTER_NAME,
        null,
        group.password(),
        false,
        0);
  }

  /** The master the Sentinels name now. */
  public ManagedRedisServer master() {
    return group.server(masterPort());
  }

  /** Kills the current master with SIGKILL, as a crash would, and returns it. */
  public ManagedRedisServer killMaster() {
    ManagedRedisServer master = master();
    master.killHard();
    return master;
  }

  /**
   * Waits until every Sentinel names a master other than {@code killed} and that server says it is
   * a master; returns how long that took from the call.
   */
  public Duration awaitPromotion(ManagedRedisServer killed, Duration deadline) {
    long start = System.nanoTime();
    int dead = killed.endpoint().port();
    RedisGroup.await(
        "a replica's promotion",
        deadline,
        () -> {
          for (ManagedRedisServer sentinel : sentinels) {
            int port = masterPort(sentinel);
            if (port == dead || !group.cli(port, "ROLE").startsWith("master")) {
              return null;
            }
          }
          return true;
        });
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Each server's port and replication role, for a failure message. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (ManagedRedisServer server : group.servers().subList(0, 1 + REPLICAS)) {
      int port = server.endpoint().port();
      String info;
      try {
        info = group.cli(port, "INFO", "replication").replaceAll("\\s+", " ");
      } catch (RuntimeException e) {
        info = "no answer: " + e.getMessage();
      }
      out.append(port).append(": ").append(info).append('\n');
    }
    return out.toString();
  }

  /**
   * Starts a killed server again on its port and data, and waits until the Sentinels have made it a
   * replica that is in sync again. Without the wait the next failover in the same group could find
   * one replica still in its first full sync: a {@code replicated} charge then waits for that sync.
   */
  public void restart(ManagedRedisServer server) {
    server.start();
    RedisGroup.await(
        "the Sentinel group to form again", FORM_DEADLINE, () -> formed() ? true : null);
  }

  private int masterPort() {
    return masterPort(sentinels.get(0));
  }

  private int masterPort(ManagedRedisServer sentinel) {
    String[] reply =
        group
            .cli(sentinel.endpoint().port(), "SENTINEL", "get-master-addr-by-name", MASTER_NAME)
            .strip()
            .split("\n");
    return Integer.parseInt(reply[reply.length - 1].strip());
  }

  /** Both replicas are online, and every Sentinel knows them and the other two Sentinels. */
  private boolean formed() {
    String replication = group.cli(masterPort(), "INFO", "replication");
    if (replication.split("state=online", -1).length - 1 != REPLICAS) {
      return false;
    }
    for (ManagedRedisServer sentinel : sentinels) {
      String master = group.cli(sentinel.endpoint().port(), "SENTINEL", "master", MASTER_NAME);
      List<String> fields = List.of(master.strip().split("\n"));
      if (!value(fields, "num-slaves").equals(Integer.toString(REPLICAS))
          || !value(fields, "num-other-sentinels").equals(Integer.toString(SENTINELS - 1))) {
        return false;
      }
    }
    return true;
  }

  private static String value(List<String> fields, String name) {
    int at = fields.indexOf(name);
    return at < 0 || at + 1 >= fields.size() ? "" : fields.get(at + 1).strip();
  }
}
