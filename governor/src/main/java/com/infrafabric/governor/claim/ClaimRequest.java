package com.infrafabric.governor.claim;

import com.infrafabric.governor.tenant.IdempotencyKey;
import java.util.Objects;

/**
 * Asks for the best eligible agent to own {@code task}.
 *
 * @param task the task
 * @param idempotencyKey names this request: a retry returns the first claim instead of a second
 */
public record ClaimRequest(TaskSpec task, IdempotencyKey idempotencyKey) {

  public ClaimRequest {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }
}
