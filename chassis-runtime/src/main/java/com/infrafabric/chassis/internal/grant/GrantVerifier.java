package com.infrafabric.chassis.internal.grant;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantCheck;
import com.infrafabric.wire.grant.GrantTokens;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Admits an invocation under a grant token: the governor's signature, issuer, audience and expiry
 * (through the platform's token verifier), then that the grant is for this tenant and agent and
 * covers this module's digest, and last one use counted in the {@link GrantLedger}, which also
 * refuses a grant the governor revoked because its task's lease ended. The use is counted only
 * after every other check passed, so a refused token spends nothing. Thread-safe.
 */
public final class GrantVerifier {

  /**
   * Grant ids as the governor's claim path makes them ({@code grant:<tenant>/<task>#<claim>}, up to
   * 155 characters). The id names the grant's use record in Redis, after the tenant's hash tag;
   * braces are refused all the same, so an id can never be read as a hash tag of its own.
   */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:/#-]{1,200}");

  private final Optional<JwtAuthenticator> governorKeys;
  private final GrantLedger ledger;

  /**
   * @param governorKeys verifies tokens against the governor's public keys; empty when the operator
   *     configured none, and then every grant is refused
   */
  public GrantVerifier(Optional<JwtAuthenticator> governorKeys, GrantLedger ledger) {
    this.governorKeys = governorKeys;
    this.ledger = ledger;
  }

  /** Whether a grant token admits an invocation, and if so the verified grant. */
  public sealed interface Decision {
    record Admitted(Grant grant) implements Decision {}

    /**
     * @param message why, for the caller: never any part of the token
     */
    record Refused(String message) implements Decision {}
  }

  /** Checks {@code token} for an invocation of the module {@code digest} under {@code context}. */
  public Future<Decision> admit(String token, InvocationContext context, ModuleDigest digest) {
    if (governorKeys.isEmpty()) {
      return Future.succeededFuture(
          refused("this chassis is configured without the governor's keys"));
    }
    return GrantTokens.verify(governorKeys.get(), token)
        .compose(
            check -> {
              if (check instanceof GrantCheck.Refused refused) {
                return Future.succeededFuture(refused(refused.reason().code()));
              }
              Grant grant = ((GrantCheck.Valid) check).grant();
              Optional<String> mismatch = mismatch(grant, context, digest);
              return mismatch.isPresent()
                  ? Future.succeededFuture(refused(mismatch.get()))
                  : count(grant);
            });
  }

  /** Gives back the use an admitted invocation never made. */
  public Future<Void> refund(Grant grant) {
    return ledger.refund(grant);
  }

  private Future<Decision> count(Grant grant) {
    return ledger.use(grant).map(use -> decision(grant, use));
  }

  private static Decision decision(Grant grant, GrantLedger.Use use) {
    if (use instanceof GrantLedger.Use.Exhausted exhausted) {
      return refused(
          grant.id()
              + " was already used "
              + exhausted.used()
              + " of "
              + grant.maxUses()
              + " times");
    }
    if (use instanceof GrantLedger.Use.Revoked revoked) {
      return refused(grant.id() + " was revoked: its task's lease ended (" + revoked.how() + ")");
    }
    return new Decision.Admitted(grant);
  }

  private static Optional<String> mismatch(
      Grant grant, InvocationContext context, ModuleDigest digest) {
    if (!ID.matcher(grant.id()).matches()) {
      return Optional.of("claims");
    }
    if (!grant.tenant().equals(context.tenant())) {
      return Optional.of("it is for tenant " + grant.tenant() + ", not " + context.tenant());
    }
    if (!grant.agent().equals(context.agent())) {
      return Optional.of("it is for agent " + grant.agent() + ", not " + context.agent());
    }
    if (!context.covers(grant.budgetScope())) {
      return Optional.of(
          "it spends on "
              + grant.budgetScope()
              + ", outside the token's scope "
              + context.subtree());
    }
    if (!grant.coversTool(digest.hex())) {
      return Optional.of("it does not cover module " + digest);
    }
    return Optional.empty();
  }

  private static Decision refused(String reason) {
    return new Decision.Refused("grant refused: " + reason);
  }
}
