package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.Hop;
import com.infrafabric.chassis.internal.egress.HopGate;
import com.infrafabric.hostapi.abi.AbiError;
import java.util.Optional;

/**
 * One request's hops as the vault sees them, each decided on the server it reaches: a hop is not
 * sent if a status-only credential bound to that server withholds it from this invocation or has no
 * request left in it, and is counted against them otherwise; a hop to a server credentials are
 * bound to pins its redirects to its origin. One per request; touched by its guest thread only.
 */
final class CredentialGate implements HopGate {

  private final InvocationCredentials mine;
  private HopCredentials last = HopCredentials.NONE;
  private boolean statusCounted;

  CredentialGate(InvocationCredentials mine) {
    this.mine = mine;
  }

  @Override
  public Optional<EgressResult.Vetoed> admit(Hop hop) throws InterruptedException {
    HopCredentials bound = mine.bound(hop);
    String origin = hop.destination().origin();
    if (mine.withholds(bound)) {
      return veto(
          AbiError.CREDENTIAL_NOT_GRANTED,
          origin + " answers only invocations granted the status-only credential bound to it");
    }
    if (bound.statusOnly()) {
      if (!mine.takeStatusRequest(bound)) {
        return veto(
            AbiError.REQUEST_LIMIT,
            "the status-only credentials for "
                + origin
                + " allow no more requests in this invocation");
      }
      statusCounted = true;
    }
    last = bound;
    return Optional.empty();
  }

  /** Asked of the hop {@link #admit} let through last, whose credentials it kept. */
  @Override
  public boolean pins(Hop hop) {
    return last.governs();
  }

  /** The credentials bound to the last hop let through: the one whose answer the request gets. */
  HopCredentials answered() {
    return last;
  }

  /**
   * True if a hop reached a status-only credential's server, so any failure is told as {@code -7}
   * alone: which one it was would be a status class's bits more.
   */
  boolean statusCounted() {
    return statusCounted;
  }

  private static Optional<EgressResult.Vetoed> veto(AbiError error, String reason) {
    return Optional.of(new EgressResult.Vetoed(error, reason));
  }
}
