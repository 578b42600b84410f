package com.infrafabric.governor.claim;

import com.infrafabric.governor.registry.BreakerState;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A finished claim.
 *
 * @param lease the lease
 * @param outcome the outcome reported
 * @param late true if the lease had expired first: the spend is recorded (as wasted) and nothing
 *     else changed, since the expiry had already freed the slot and charged the agent a failure
 * @param reservedMicros what the claim held
 * @param actualMicros what was spent, recorded in full
 * @param releasedMicros the unused part given back
 * @param overage true if the spend went over the hold; it opens the agent's breaker
 * @param reputationPpm the agent's reputation afterwards, in parts per million; empty for a late
 *     report, which does not change the agent (it may even have been removed since)
 * @param breaker the agent's breaker afterwards; empty for a late report
 * @param replayed true if this is the stored result of an earlier identical request
 */
public record FinishResult(
    LeaseId lease,
    TaskOutcome outcome,
    boolean late,
    long reservedMicros,
    long actualMicros,
    long releasedMicros,
    boolean overage,
    OptionalInt reputationPpm,
    Optional<BreakerState> breaker,
    boolean replayed) {}
