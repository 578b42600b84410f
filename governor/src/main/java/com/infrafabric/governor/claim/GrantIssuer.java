package com.infrafabric.governor.claim;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantTokens;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Signs the grant that goes with a claim: the owner may run the named tools for this lease and no
 * longer, charge LLM calls to the task's scope up to the task's max cost, and invoke at most the
 * asked number of times.
 *
 * <p>The grant id is derived from the lease ({@code grant:<lease>}), so a replayed claim signs the
 * same id again and the chassis counts the uses of both tokens together: retrying a claim never
 * widens what the grant allows. Its {@code task} is the lease id, which names the revocation the
 * claim scripts write when the lease ends ({@code GrantRevocation}): every token of the lease stops
 * working then.
 *
 * <p>A grant is its task's tenant's: the credential names it carries are resolved by the chassis in
 * that tenant only, so a grant cannot name another tenant's credential, whatever a dispatcher asks
 * for, and its budget scope is the task's, inside the tenant.
 */
public final class GrantIssuer {

  private final TokenMinter minter;
  private final String issuer;
  private final String audience;
  private final Clock clock;

  /**
   * @param minter the governor's grant signing key
   * @param issuer the issuer the chassis expects on grants
   * @param audience the chassis' audience
   * @param clock the time grants are signed at
   */
  public GrantIssuer(TokenMinter minter, String issuer, String audience, Clock clock) {
    this.minter = Objects.requireNonNull(minter, "minter");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The grant of {@code claimed} for {@code task}, narrowed to {@code scope}, as a signed JWS. */
  public String issue(Claimed claimed, TaskSpec task, GrantScope scope) {
    Grant grant =
        new Grant(
            "grant:" + claimed.lease(),
            claimed.agentId(),
            task.tenant(),
            claimed.lease().toString(),
            task.scope().path(),
            scope.toolDigests(),
            scope.capabilities(),
            scope.credentials(),
            scope.models().isEmpty() ? Set.of(claimed.model()) : scope.models(),
            task.maxCostMicros(),
            scope.maxInvocations(),
            claimed.expiresAt());
    return GrantTokens.sign(minter, issuer, audience, grant, clock);
  }
}
