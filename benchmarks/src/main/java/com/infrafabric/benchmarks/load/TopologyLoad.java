package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.CommandLine;
import com.infrafabric.benchmarks.TempDirectory;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisSettings.Durability;
import com.infrafabric.platform.testing.LocalRedisCluster;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Reserve + commit on Redis topologies, in one run so the figures are ratios of one machine's
 * moment: one governor node on a standalone server, then 1, 2 and 3 governor nodes on a Redis
 * Cluster of 3 masters and 3 replicas, then 1 node on the cluster with {@code replicated}
 * durability (the cost of {@code WAIT 1}). Each node is a budget engine with its own Vert.x and
 * Redis clients (no HTTP), driven closed-loop by {@value #LOOPS_PER_NODE} concurrent reserve+commit
 * rounds over {@value #TENANTS} tenants.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.TopologyLoad [--smoke]
 * </pre>
 *
 * {@code --smoke} runs each configuration for a second, to show the harness works; a measurement
 * runs 20 s each after 5 s of warm-up, on a quiet machine (the load average is printed).
 */
public final class TopologyLoad {

  static final int LOOPS_PER_NODE = 16;
  static final int TENANTS = 48;
  private static final long CAP = 1_000_000_000_000_000L;

  private TopologyLoad() {}

  /** One configuration: how many nodes, on which Redis, with which durability. */
  record Setup(String name, boolean cluster, int nodes, Durability durability) {}

  /** What one configuration sustained. */
  record Outcome(Setup setup, double roundsPerSecond, Latency latency, long errors) {}

  private static final String USAGE = "usage: TopologyLoad [--smoke]\n";

  public static void main(String[] args) throws Exception {
    Optional<Boolean> parsed = CommandLine.parse(USAGE, args, TopologyLoad::smoke);
    if (parsed.isEmpty()) {
      return;
    }
    boolean smoke = parsed.get();
    Duration warmUp = smoke ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    Duration measure = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(20);
    List<Outcome> outcomes = run(warmUp, measure);
    print(outcomes, System.out);
  }

  /** Whether {@code args}, at most {@code --smoke}, ask for a smoke run. */
  private static boolean smoke(List<String> args) {
    return CommandLine.options(args, Set.of(), Set.of(LoadOptions.SMOKE))
        .containsKey(LoadOptions.SMOKE);
  }

  static List<Outcome> run(Duration warmUp, Duration measure) throws InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    try (TempDirectory directory = TempDirectory.create("infrafabric-topology-")) {
      ManagedRedisServer standalone =
          ManagedRedisServer.builder(directory.path()).maxMemoryBytes(2L << 30).build().start();
      try {
        outcomes.add(
            measure(
                new Setup("standalone, 1 node", false, 1, Durability.ACKNOWLEDGED),
                standalone.endpoint(),
                warmUp,
                measure));
      } finally {
        standalone.killHard();
      }
    }
    try (LocalRedisCluster cluster = LocalRedisCluster.start()) {
      for (int nodes = 1; nodes <= 3; nodes++) {
        outcomes.add(
            measure(
                new Setup(
                    "cluster 3+3, " + nodes + " node(s)", true, nodes, Durability.ACKNOWLEDGED),
                cluster.endpoint(),
                warmUp,
                measure));
      }
      outcomes.add(
          measure(
              new Setup("cluster 3+3, 1 node, replicated", true, 1, Durability.REPLICATED),
              cluster.endpoint(),
              warmUp,
              measure));
    }
    return outcomes;
  }

  private static Outcome measure(
      Setup setup, RedisEndpoint endpoint, Duration warmUp, Duration measure)
      throws InterruptedException {
    RedisSettings settings = RedisSettings.of(endpoint).withDurability(setup.durability());
    List<EngineNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < setup.nodes(); i++) {
        nodes.add(new EngineNode(settings, Clock.systemUTC()));
      }
      String run = setup.name().replaceAll("[^a-z0-9]", "");
      List<String> tenants =
          IntStream.range(0, TENANTS).mapToObj(i -> "topo-" + run + "-" + i).toList();
      tenants.forEach(t -> nodes.get(0).budget(t, CAP));
      Recorder recorder = new Recorder(3);
      AtomicLong errors = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      CountDownLatch stopped = new CountDownLatch(nodes.size() * LOOPS_PER_NODE);
      for (int n = 0; n < nodes.size(); n++) {
        for (int loop = 0; loop < LOOPS_PER_NODE; loop++) {
          int first = n * LOOPS_PER_NODE + loop;
          round(nodes.get(n), tenants, first, recorder, errors, running, stopped);
        }
      }
      TimeUnit.MILLISECONDS.sleep(warmUp.toMillis());
      recorder.reset();
      errors.set(0);
      long start = System.nanoTime();
      TimeUnit.MILLISECONDS.sleep(measure.toMillis());
      Histogram window = recorder.getIntervalHistogram();
      double seconds = (System.nanoTime() - start) / 1e9;
      running.set(false);
      stopped.await(30, TimeUnit.SECONDS);
      return new Outcome(setup, window.getTotalCount() / seconds, Latency.of(window), errors.get());
    } finally {
      nodes.forEach(EngineNode::close);
    }
  }

  /** One closed loop: a reserve+commit, recorded, then the next, until told to stop. */
  private static void round(
      EngineNode node,
      List<String> tenants,
      int index,
      Recorder recorder,
      AtomicLong errors,
      AtomicBoolean running,
      CountDownLatch stopped) {
    if (!running.get()) {
      stopped.countDown();
      return;
    }
    long start = System.nanoTime();
    Scope scope = Scope.parse(tenants.get(index % tenants.size()) + "/p");
    node.reserveCommit(scope, 1_000)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                recorder.recordValue(System.nanoTime() - start);
              } else {
                errors.incrementAndGet();
              }
              round(node, tenants, index + LOOPS_PER_NODE, recorder, errors, running, stopped);
            });
  }

  static void print(List<Outcome> outcomes, PrintStream out) {
    out.printf("Reserve+commit by Redis topology (load average %.2f)%n", Machine.loadAverageNow());
    out.printf("  %-40s %12s %9s %9s %7s%n", "setup", "rounds/s", "p50 ms", "p99 ms", "errors");
    for (Outcome o : outcomes) {
      out.printf(
          "  %-40s %12.0f %9.2f %9.2f %7d%n",
          o.setup().name(),
          o.roundsPerSecond(),
          o.latency().p50Millis(),
          o.latency().p99Millis(),
          o.errors());
    }
  }
}
