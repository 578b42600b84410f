package com.infrafabric.governor.testing;

import com.infrafabric.governor.budget.TenantScripts;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.AgentContracts;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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

  public ClaimRig(RedisEndpoint endpoint, MutableClock clock, Path keyDirectory) {
    this.governor = new GovernorRig(endpoint, clock);
    this.clock = clock;
    this.operator = TestTokens.create(keyDirectory, clock);
    this.scripts = new TenantScripts(governor.engine);
    this.contracts =
        AgentContracts.create(governor.vertx, operator.jwksFile(), TestTokens.ISSUER, clock);
    this.registry = new AgentRegistry(scripts, contracts, governor.redis, meters);
    this.policies = new TenantPolicies(governor.redis);
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
    return Await.result(registry.register(sign(contract)));
  }

  public void policy(String tenant, TenantPolicy policy) {
    Await.result(policies.put(tenant, policy));
  }

  @Override
  public void close() {
    governor.close();
  }
}
