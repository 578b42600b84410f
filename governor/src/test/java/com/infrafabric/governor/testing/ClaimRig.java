package com.infrafabric.governor.testing;

import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.governor.claim.ClaimOutcome;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimRequest;
import com.infrafabric.governor.claim.ClaimSettings;
import com.infrafabric.governor.claim.FinishRequest;
import com.infrafabric.governor.claim.FinishResult;
import com.infrafabric.governor.claim.HeartbeatOutcome;
import com.infrafabric.governor.claim.HeartbeatRequest;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.claim.TaskSpec;
import com.infrafabric.governor.events.EventStream;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.AgentContracts;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link GovernorRig} with the capability registry and tenant policies, an operator key that
 * signs agent contracts, and a meter registry tests can read.
 */
public final class ClaimRig implements AutoCloseable {

  public static final Duration CONTRACT_TTL = Duration.ofDays(30);

  public final GovernorRig governor;
  public final MutableClock clock;
  public final TestTokens operator;
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final TenantScripts scripts;
  public final AgentContracts contracts;
  public final AgentRegistry registry;
  public final TenantPolicies policies;
  public final ClaimEngine claims;

  public ClaimRig(RedisEndpoint endpoint, MutableClock clock, Path keyDirectory) {
    this.governor = new GovernorRig(endpoint, clock);
    this.clock = clock;
    this.operator = TestTokens.create(keyDirectory, clock);
    this.scripts = governor.scripts;
    this.contracts =
        AgentContracts.create(governor.vertx, operator.jwksFile(), TestTokens.ISSUER, clock);
    this.registry =
        new AgentRegistry(
            scripts,
            contracts,
            governor.redis,
            meters,
            AgentRegistry.DEFAULT_MAX_AGENTS_PER_TENANT);
    this.policies = new TenantPolicies(governor.redis, scripts);
    this.claims =
        new ClaimEngine(scripts, governor.pricing, governor.redis, ClaimSettings.DEFAULTS, meters);
  }

  /** A task on {@code scope} requiring {@code required}, at most {@code maxCost}, 3 agents. */
  public static TaskSpec task(
      String id, String scope, Map<String, Integer> required, long maxCost) {
    return new TaskSpec(id, Scope.parse(scope), CapabilitySet.of(required), maxCost, 3);
  }

  public ClaimOutcome claim(TaskSpec task) {
    return claim(task, null);
  }

  /** Claims as a dispatcher confined to {@code within} (null: a tenant-wide one). */
  public ClaimOutcome claim(TaskSpec task, Scope within) {
    return Await.result(claims.claim(new ClaimRequest(task, GovernorRig.newKey(), within, "")));
  }

  /** Claims and insists it was granted. */
  public Claimed claimed(TaskSpec task) {
    ClaimOutcome outcome = claim(task);
    if (!(outcome instanceof Claimed claimed)) {
      throw new AssertionError("expected a claim, got " + outcome);
    }
    return claimed;
  }

  public HeartbeatOutcome heartbeat(Claimed claim) {
    return Await.result(claims.heartbeat(new HeartbeatRequest(claim.lease(), claim.agentId())));
  }

  public FinishResult finish(Claimed claim, TaskOutcome outcome, long actualMicros) {
    return finish(claim, outcome, actualMicros, null);
  }

  /** Finishes as a dispatcher confined to {@code within} (null: a tenant-wide one). */
  public FinishResult finish(Claimed claim, TaskOutcome outcome, long actualMicros, Scope within) {
    return Await.result(
        claims.finish(
            new FinishRequest(
                claim.lease(),
                claim.agentId(),
                outcome,
                Spend.amount(actualMicros),
                Optional.of(Duration.ofSeconds(1)),
                GovernorRig.newKey(),
                within)));
  }

  /** Every field of every event on the tenant's claims stream, oldest first. */
  public List<Map<String, String>> events(String tenant) {
    Response reply =
        Await.result(
            governor.redis.send(
                Request.cmd(Command.XRANGE).arg(EventStream.CLAIMS.key(tenant)).arg("-").arg("+")));
    List<Map<String, String>> events = new ArrayList<>();
    for (Response entry : reply) {
      Map<String, String> fields = new HashMap<>();
      Response flat = entry.get(1);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
      }
      events.add(fields);
    }
    return events;
  }

  public Agent agent(String tenant, String id) {
    return Await.result(registry.get(tenant, id)).orElseThrow();
  }

  /** A contract for {@code id} in {@code tenant}: model gpt-test, SLO 10 s, version 1. */
  public static AgentContract contract(
      String tenant, String id, Map<String, Integer> capabilities, long costMicros, int slots) {
    return new AgentContract(
        id,
        tenant,
        CapabilitySet.of(capabilities),
        "gpt-test",
        costMicros,
        slots,
        Duration.ofSeconds(10),
        1);
  }

  /** The contract signed by the trusted operator key. */
  public String sign(AgentContract contract) {
    return operator.mint(contract.toTokenSpec(TestTokens.ISSUER, CONTRACT_TTL));
  }

  public Agent register(AgentContract contract) {
    return Await.result(registry.register(sign(contract), GovernorRig.ADMIN));
  }

  public void policy(String tenant, TenantPolicy policy) {
    Await.result(policies.put(tenant, policy, GovernorRig.ADMIN));
  }

  @Override
  public void close() {
    governor.close();
  }
}
