package com.infrafabric.governor.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * A contract whose signature was verified, with the end of that signature's validity: what the
 * operator granted lasts only until then, so the registry keeps it with the agent and the claim
 * path gives the agent no task after it.
 *
 * @param contract what the contract grants
 * @param expiresAt the contract's {@code exp}
 */
record VerifiedContract(AgentContract contract, Instant expiresAt) {

  VerifiedContract {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
