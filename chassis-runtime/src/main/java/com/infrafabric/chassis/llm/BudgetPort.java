package com.infrafabric.chassis.llm;

import com.infrafabric.wire.reservation.BudgetRequest;
import com.infrafabric.wire.reservation.CommitResult;
import com.infrafabric.wire.reservation.ReleaseResult;
import com.infrafabric.wire.reservation.ReserveResult;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Future;

/**
 * How the chassis reserves, commits and releases the cost of LLM calls with the governor. One
 * reservation per call a tool makes; provider retries reuse it; the commit carries the usage the
 * provider reported and an idempotency key derived from the reservation, so a repeated commit is
 * never a second charge; any failure releases the reservation.
 *
 * <p>Implementations: {@link GovernorHttpBudget} over the governor's REST API, or an in-process
 * adapter over the governor's budget engine where both run in one process. Expected outcomes
 * (denials, an unreachable governor) are values; a failed future means a bug. Implementations are
 * thread-safe and never block.
 */
public interface BudgetPort {

  /** Holds the call's worst-case cost on the request's scope and every budgeted ancestor. */
  Future<ReserveResult> reserve(BudgetRequest request);

  /**
   * Settles a reservation with the tokens the provider reported on {@code model} (the governor
   * prices them); the unused hold is released.
   */
  Future<CommitResult> commit(
      String reservationId, String model, TokenUsage usage, String idempotencyKey);

  /** Cancels a reservation; releasing one that already ended is not an error. */
  Future<ReleaseResult> release(String reservationId, String idempotencyKey);
}
