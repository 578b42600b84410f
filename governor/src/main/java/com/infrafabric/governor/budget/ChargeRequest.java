package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import java.util.Objects;

/**
 * Records spend that was not reserved first (usage reported after the fact).
 *
 * @param scope where the spend is charged
 * @param actual what was spent
 * @param idempotencyKey names this request for safe retries
 */
public record ChargeRequest(Scope scope, Spend actual, IdempotencyKey idempotencyKey) {

  public ChargeRequest {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }
}
