package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many claimers at once, in one process and across processes, against one real redis-server: no
 * task is ever owned twice, no agent ever holds more leases than it has slots, and every claim's
 * reservation is really held.
 */
@Timeout(180)
class ConcurrentClaimTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;
  @TempDir static Path otherKeys;

  private static final String START = "2026-11-23T10:00:00Z";
  private static final int CAPABILITIES = 5;

  private static ClaimRig rig;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at(START), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /**
   * 100 agents with 2 or 3 slots and 2 of 5 capabilities each (every capability has 40 holders).
   */
  private static Map<String, Agent> agents(String tenant) {
    Map<String, Agent> agents = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      Map<String, Integer> capabilities =
          Map.of("c" + i % CAPABILITIES, 1, "c" + (i + 1) % CAPABILITIES, 1);
      Agent agent =
          rig.register(contract(tenant, "agent-" + i, capabilities, 1_000 + i * 10, 2 + i % 2));
      agents.put(agent.id(), agent);
    }
    return agents;
  }

  private static TaskSpec task(String tenant, int i) {
    return ClaimRig.task(
        "task-" + i, tenant + "/p", Map.of("c" + i % CAPABILITIES, 1), 1_000_000_000);
  }

  @Test
  void sixtyFourClaimersOverAThousandTasksAndAHundredAgents() throws InterruptedException {
    String t = freshTenant("crowd");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000_000_000L);
    // Every slot goes to one subtree's tasks here (SubtreeShareTest pins the default share).
    rig.policy(t, TenantPolicy.builder().subtreeSharePermille(1000).build());
    Map<String, Agent> agents = agents(t);
    int slots = agents.values().stream().mapToInt(Agent::slots).sum();

    // Round 1: every task is claimed by two threads at once, nobody finishes: slots run out.
    List<List<ClaimOutcome>> round1 =
        Concurrently.run(
            64,
            Duration.ofSeconds(120),
            thread ->
                () -> {
                  List<ClaimOutcome> outcomes = new ArrayList<>();
                  for (int i = 0; i < 1000; i++) {
                    if (i % 64 == thread || (i + 1) % 64 == thread) {
                      outcomes.add(rig.claim(task(t, i)));
                    }
                  }
                  return outcomes;
                });
    List<Claimed> held = claims(round1.stream().flatMap(List::stream).toList());

    assertThat(held).hasSize(slots);
    assertThat(held).extracting(Claimed::taskId).doesNotHaveDuplicates();
    assertThat(round1.stream().flatMap(List::stream))
        .filteredOn(NotClaimed.class::isInstance)
        .extracting(o -> ((NotClaimed) o).reason())
        .containsOnly(Reason.TASK_ALREADY_OWNED, Reason.ALL_BUSY);
    assertHeldAsClaimed(t, agents, held);

    // Round 2: claimers finish and claim on until every task is done, never over any agent's slots.
    Map<String, AtomicInteger> inHand = new ConcurrentHashMap<>();
    agents.keySet().forEach(id -> inHand.put(id, new AtomicInteger()));
    held.forEach(c -> inHand.get(c.agentId()).incrementAndGet());
    Map<String, Integer> mostInHand = new ConcurrentHashMap<>();
    Map<Integer, List<Claimed>> heldByThread =
        held.stream().collect(Collectors.groupingBy(c -> taskNumber(c) % 64));
    List<List<String>> finished =
        Concurrently.run(
            64,
            Duration.ofSeconds(120),
            thread ->
                () -> {
                  Deque<Claimed> mine =
                      new ArrayDeque<>(heldByThread.getOrDefault(thread, List.of()));
                  List<String> done = new ArrayList<>();
                  for (int i = thread; i < 1000; i += 64) {
                    while (true) {
                      ClaimOutcome outcome = rig.claim(task(t, i));
                      if (outcome instanceof Claimed claim) {
                        int now = inHand.get(claim.agentId()).incrementAndGet();
                        mostInHand.merge(claim.agentId(), now, Math::max);
                        mine.add(claim);
                        if (mine.size() > 4) {
                          done.add(finish(mine.poll(), inHand));
                        }
                        break;
                      }
                      if (((NotClaimed) outcome).reason() == Reason.TASK_COMPLETED) {
                        break;
                      }
                      if (!mine.isEmpty()) {
                        done.add(finish(mine.poll(), inHand));
                      }
                    }
                  }
                  while (!mine.isEmpty()) {
                    done.add(finish(mine.poll(), inHand));
                  }
                  return done;
                });

    List<String> completed = finished.stream().flatMap(List::stream).toList();
    assertThat(completed).hasSize(1000).doesNotHaveDuplicates();
    mostInHand.forEach(
        (agent, most) -> assertThat(most).isLessThanOrEqualTo(agents.get(agent).slots()));
    assertThat(agents.keySet()).allSatisfy(id -> assertThat(rig.agent(t, id).busySlots()).isZero());
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  @Test
  void twoGovernorProcessesSharingOneRedisNeverDoubleClaim() throws Exception {
    String t = freshTenant("two-processes");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000_000_000L);
    Map<String, Agent> agents = agents(t);
    int tasks = 300;
    Process worker = startWorker(t, tasks);
    BufferedReader workerOutput =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    assertThat(workerOutput.readLine()).isEqualTo("READY");

    try (ClaimRig other = new ClaimRig(REDIS.endpoint(), MutableClock.at(START), otherKeys)) {
      List<ClaimRig> governors = List.of(rig, other);
      List<List<ClaimOutcome>> outcomes =
          Concurrently.run(
              32,
              Duration.ofSeconds(120),
              thread ->
                  () -> {
                    ClaimRig governor = governors.get(thread % 2);
                    List<ClaimOutcome> mine = new ArrayList<>();
                    for (int i = thread % 16; i < tasks; i += 16) {
                      mine.add(governor.claim(task(t, (i * 7 + thread) % tasks)));
                    }
                    return mine;
                  });
      List<String> workerClaims = workerClaims(worker, workerOutput);

      List<Claimed> inJvm = claims(outcomes.stream().flatMap(List::stream).toList());
      List<String> owners = new ArrayList<>(workerClaims);
      inJvm.forEach(c -> owners.add(c.taskId()));
      assertThat(owners).doesNotHaveDuplicates();
      assertThat(workerClaims).isNotEmpty();
      assertThat(outcomes.stream().flatMap(List::stream))
          .filteredOn(NotClaimed.class::isInstance)
          .extracting(o -> ((NotClaimed) o).reason())
          .isSubsetOf(Reason.TASK_ALREADY_OWNED, Reason.ALL_BUSY);
      assertHeldAsClaimed(t, agents, inJvm, workerClaims.size());
    }
  }

  private static List<Claimed> claims(Collection<ClaimOutcome> outcomes) {
    return outcomes.stream().filter(Claimed.class::isInstance).map(Claimed.class::cast).toList();
  }

  private static void assertHeldAsClaimed(String t, Map<String, Agent> agents, List<Claimed> held) {
    assertHeldAsClaimed(t, agents, held, 0);
  }

  /**
   * Each agent holds at most its slots, the claims seen in this JVM hold their reservations, and
   * the tenant's reserved total is what all claims (these plus {@code elsewhere}) hold.
   */
  private static void assertHeldAsClaimed(
      String t, Map<String, Agent> agents, List<Claimed> held, int elsewhere) {
    Map<String, Long> perAgent =
        held.stream().collect(Collectors.groupingBy(Claimed::agentId, Collectors.counting()));
    int busy = 0;
    for (Agent agent : agents.values()) {
      Agent now = rig.agent(t, agent.id());
      assertThat(now.busySlots()).isLessThanOrEqualTo(agent.slots());
      assertThat(now.busySlots())
          .isGreaterThanOrEqualTo(perAgent.getOrDefault(agent.id(), 0L).intValue());
      busy += now.busySlots();
    }
    assertThat(busy).isEqualTo(held.size() + elsewhere);
    List<Request> reads =
        held.stream()
            .map(
                c ->
                    Request.cmd(Command.HMGET)
                        .arg("gov:{" + t + "}:r:" + c.reservation())
                        .arg("state")
                        .arg("amt"))
            .toList();
    List<Response> reservations = Await.result(rig.governor.redis.batch("gov:{" + t + "}", reads));
    Map<String, Long> cost =
        agents.values().stream()
            .collect(Collectors.toMap(Agent::id, Agent::costPerTaskMicros, (a, b) -> a));
    for (int i = 0; i < held.size(); i++) {
      assertThat(reservations.get(i).get(0).toString()).isEqualTo("active");
      assertThat(reservations.get(i).get(1).toLong()).isEqualTo(cost.get(held.get(i).agentId()));
    }
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  private static String finish(Claimed claim, Map<String, AtomicInteger> inHand) {
    inHand.get(claim.agentId()).decrementAndGet();
    rig.finish(claim, TaskOutcome.SUCCEEDED, 500);
    return claim.taskId();
  }

  private static int taskNumber(Claimed claim) {
    return Integer.parseInt(claim.taskId().substring("task-".length()));
  }

  private static Process startWorker(String tenant, int tasks) throws IOException {
    RedisEndpoint endpoint = REDIS.endpoint();
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            // Logback prints its own start-up status to stdout when it has something to say (two
            // logback-test.xml on a module build's class path, for one); stdout is the protocol.
            "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
            "-cp",
            System.getProperty("java.class.path"),
            ClaimWorker.class.getName(),
            endpoint.host(),
            Integer.toString(endpoint.port()),
            Long.toString(MutableClock.at(START).millis()),
            tenant,
            tenant + "/p",
            Integer.toString(CAPABILITIES),
            Integer.toString(tasks));
    builder.environment().put("REDIS_PASSWORD", endpoint.password());
    // Its stdout is the READY/CLAIMED/DONE protocol alone; its logs (a busy machine's "event loop
    // blocked" warning, say) go to this test's stderr, where they cannot be read as a protocol
    // line.
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return builder.start();
  }

  /** The tasks the worker process claimed; fails if it did not finish cleanly. */
  private static List<String> workerClaims(Process worker, BufferedReader lines) throws Exception {
    List<String> claimed = new ArrayList<>();
    List<String> output = new ArrayList<>();
    try (lines) {
      lines
          .lines()
          .forEach(
              line -> {
                output.add(line);
                if (line.startsWith("CLAIMED ")) {
                  claimed.add(line.split(" ")[1]);
                }
              });
    }
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("worker output").contains("DONE");
    return claimed;
  }
}
