package com.infrafabric.governor.claim;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import java.util.Objects;

/**
 * Asks for the best eligible agent to own {@code task}.
 *
 * @param task the task
 * @param idempotencyKey names this request: a retry returns the first claim instead of a second
 * @param within the subtree the caller may touch, or null for any; a task of the same id in a scope
 *     outside it is refused without naming that scope, so a caller learns nothing about other
 *     scopes
 * @param grantTerms the terms of the grant the answer carries ({@link GrantScope#canonical}), ""
 *     for none: a retry under the same key must ask for the same, or it would be answered with a
 *     grant of other terms under the same lease and id
 */
public record ClaimRequest(
    TaskSpec task, IdempotencyKey idempotencyKey, Scope within, String grantTerms) {

  public ClaimRequest {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(grantTerms, "grantTerms");
  }

  /** A claim by a caller allowed to touch any scope, its answer carrying no grant's terms. */
  public ClaimRequest(TaskSpec task, IdempotencyKey idempotencyKey) {
    this(task, idempotencyKey, null, "");
  }
}
