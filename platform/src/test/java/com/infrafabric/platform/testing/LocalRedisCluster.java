package com.infrafabric.platform.testing;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A local Redis Cluster: three masters and three replicas, six {@code redis-server
 * --cluster-enabled yes} processes on free loopback ports in one temporary folder, joined with
 * {@code redis-cli --cluster create}; {@link #close()} kills them and deletes the folder. Tests get
 * one through {@link RedisClusterExtension}; the load harness starts one with {@link #start()}.
 *
 * <p>Nodes time out after {@value #NODE_TIMEOUT_MILLIS} ms, so a killed master's replica is
 * promoted within a few seconds, and the cluster keeps serving the slots that still have a master
 * ({@code cluster-require-full-coverage no}), as a production cluster that must survive losing a
 * shard is configured. {@link #killMasterOf(String)} and {@link #awaitPromotion} reproduce a
 * master's crash and the failover.
 */
public class LocalRedisCluster implements AutoCloseable {

  static final int NODE_TIMEOUT_MILLIS = 1000;
  private static final int NODES = 6;
  private static final Duration FORM_DEADLINE = Duration.ofSeconds(60);

  private RedisGroup group;

  LocalRedisCluster() {}

  /** Starts and forms a cluster; returns once every node says it is ok. */
  public static LocalRedisCluster start() {
    LocalRedisCluster cluster = new LocalRedisCluster();
    cluster.form();
    return cluster;
  }

  /** Starts the six nodes and joins them; returns once every node says the cluster is ok. */
  void form() {
    group = new RedisGroup("infrafabric-redis-cluster-");
    for (int i = 0; i < NODES; i++) {
      group.start(
          "node-" + i,
          builder ->
              builder.config(
                  "cluster-enabled yes",
                  "cluster-config-file nodes.conf",
                  "cluster-node-timeout " + NODE_TIMEOUT_MILLIS,
                  "cluster-require-full-coverage no",
                  "cluster-replica-validity-factor 0",
                  "masterauth " + group.password()));
    }
    List<String> create = new ArrayList<>(List.of("--cluster", "create"));
    group.servers().forEach(s -> create.add(group.address(s).toString()));
    create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    group.cli(create);
    RedisGroup.await("the cluster to form", FORM_DEADLINE, () -> formed() ? true : null);
  }

  @Override
  public void close() {
    if (group != null) {
      group.close();
    }
  }

  /** The cluster, as {@code redis-cluster://:password@host:port,...} names it. */
  public RedisEndpoint endpoint() {
    return new RedisEndpoint(
        RedisEndpoint.Topology.CLUSTER,
        group.servers().stream().map(group::address).toList(),
        null,
        null,
        group.password(),
        false,
        0);
  }

  /** The master that serves {@code key}'s hash slot now. */
  public ManagedRedisServer masterOf(String key) {
    return masterOfSlot(Integer.parseInt(anyLiveCli("CLUSTER", "KEYSLOT", key).strip()));
  }

  /** The master that serves hash slot {@code slot} now. */
  public ManagedRedisServer masterOfSlot(int slot) {
    return group.server(masterPortOf(slot));
  }

  /**
   * Kills the master of {@code key}'s slot with SIGKILL, as a crash would, and returns it (its
   * replica is promoted after the node timeout; {@link #awaitPromotion} waits for that).
   */
  public ManagedRedisServer killMasterOf(String key) {
    ManagedRedisServer master = masterOf(key);
    master.killHard();
    return master;
  }

  /**
   * Waits until a master other than {@code killed} serves {@code key}'s slot, as every live node
   * sees it, and the cluster is {@code ok}; returns how long that took from the call.
   */
  public Duration awaitPromotion(String key, ManagedRedisServer killed, Duration deadline) {
    long start = System.nanoTime();
    int slot = Integer.parseInt(anyLiveCli("CLUSTER", "KEYSLOT", key).strip());
    int dead = killed.endpoint().port();
    RedisGroup.await(
        "a replica's promotion for slot " + slot,
        deadline,
        () -> {
          for (ManagedRedisServer node : live()) {
            int port = node.endpoint().port();
            int master = masterPortOf(slot, port);
            if (master == dead
                || master < 0
                || !group.cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
              return null;
            }
          }
          return true;
        });
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Starts a killed node again on its port and data; it rejoins as a replica. */
  public void restart(ManagedRedisServer node) {
    node.start();
  }

  /** The nodes running now. */
  public List<ManagedRedisServer> live() {
    return group.servers().stream().filter(ManagedRedisServer::isRunning).toList();
  }

  /** The masters running now, with the replicas that follow them online. */
  public List<ManagedRedisServer> masters() {
    return live().stream()
        .filter(s -> group.cli(s.endpoint().port(), "ROLE").startsWith("master"))
        .toList();
  }

  /**
   * Runs {@code redis-cli} on {@code node} (e.g. {@code INFO replication}) and returns its text.
   */
  public String cli(ManagedRedisServer node, String... args) {
    return group.cli(node.endpoint().port(), args);
  }

  private String anyLiveCli(String... args) {
    return group.cli(live().get(0).endpoint().port(), args);
  }

  private int masterPortOf(int slot) {
    return masterPortOf(slot, live().get(0).endpoint().port());
  }

  /** The port of the master that serves {@code slot}, as the node on {@code askPort} sees it. */
  private int masterPortOf(int slot, int askPort) {
    for (String line : group.cli(askPort, "CLUSTER", "NODES").split("\n")) {
      String[] fields = line.strip().split(" ");
      if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < fields.length; i++) {
        if (covers(fields[i], slot)) {
          String address = fields[1].substring(0, fields[1].indexOf('@'));
          return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }
      }
    }
    return -1;
  }

  private static boolean covers(String range, int slot) {
    if (range.startsWith("[")) {
      return false;
    }
    int dash = range.indexOf('-');
    int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
    int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
    return slot >= first && slot <= last;
  }

  /** Every node says the cluster is ok, and every master has an online replica. */
  private boolean formed() {
    for (ManagedRedisServer node : group.servers()) {
      int port = node.endpoint().port();
      if (!group.cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
        return false;
      }
      String replication = group.cli(port, "INFO", "replication");
      if (replication.contains("role:master") && !replication.contains("state=online")) {
        return false;
      }
    }
    return true;
  }
}
