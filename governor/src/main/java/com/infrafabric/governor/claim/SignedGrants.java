package com.infrafabric.governor.claim;

import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.wire.grant.GrantCheck;
import com.infrafabric.wire.grant.GrantTokens;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * The grants {@link GrantIssuer} signed, read back: a grant token is one only if it verifies with
 * the governor's own grant key, carries its issuer and the chassis audience and has not expired, as
 * the chassis checks it. What the grant covers (scope, cost cap, lease) is then the caller's to
 * enforce; the reservation path does ({@code ReservationRoutes}). Thread-safe.
 */
public final class SignedGrants {

  private final JwtAuthenticator grantKey;

  /**
   * @param grantKey verifies tokens with the public half of the governor's grant key, its grant
   *     issuer and audience
   */
  public SignedGrants(JwtAuthenticator grantKey) {
    this.grantKey = Objects.requireNonNull(grantKey, "grantKey");
  }

  /** The grant {@code token} carries, or why it is not a valid grant of this governor. */
  public Future<GrantCheck> verify(String token) {
    return GrantTokens.verify(grantKey, token);
  }
}
