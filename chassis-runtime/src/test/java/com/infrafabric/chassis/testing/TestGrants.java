package com.infrafabric.chassis.testing;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

/**
 * Grants as the governor would issue them, signed with a test governor key: for the tenant and
 * agent of {@link TestChassis#CONTEXT} (or another context), one tool digest, each for a claim of
 * its own (so revoking one revokes no other), and everything else chosen by the test.
 */
public final class TestGrants {

  private final TestTokens governor;
  private final Clock clock;
  private final InvocationContext context;

  public TestGrants(TestTokens governor, Clock clock) {
    this(governor, clock, TestChassis.CONTEXT);
  }

  private TestGrants(TestTokens governor, Clock clock, InvocationContext context) {
    this.governor = governor;
    this.clock = clock;
    this.context = context;
  }

  /** The same governor's grants for the tenant and agent of {@code other}. */
  public TestGrants forContext(InvocationContext other) {
    return new TestGrants(governor, clock, other);
  }

  /** A grant for {@code digest}: 3 uses, 5 minutes, {@code caps}, no credentials or models. */
  public Grant forTool(ModuleDigest digest, Set<String> caps) {
    return grant(digest, caps, Set.of(), Set.of(), 0, 3);
  }

  public Grant grant(
      ModuleDigest digest,
      Set<String> caps,
      Set<String> credentials,
      Set<String> models,
      long costCapMicros,
      int maxUses) {
    String claim = UUID.randomUUID().toString();
    return new Grant(
        "g-" + claim,
        context.agent(),
        context.tenant(),
        context.tenant() + "/task-42#" + claim,
        context.tenant() + "/search/task-42",
        Set.of(digest.hex()),
        caps,
        credentials,
        models,
        costCapMicros,
        maxUses,
        clock.instant().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS));
  }

  /** Signs {@code grant} for the test audience. */
  public String sign(Grant grant) {
    return sign(grant, TestTokens.AUDIENCE);
  }

  public String sign(Grant grant, String audience) {
    return GrantTokens.sign(governor.minter(), TestTokens.ISSUER, audience, grant, clock);
  }

  /** This context under {@code grant}, signed. */
  public InvocationContext context(Grant grant) {
    return context.withGrant(sign(grant));
  }
}
