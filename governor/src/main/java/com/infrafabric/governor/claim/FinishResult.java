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
 * @param overage true if the spend went over the hold; it opens the agent's breaker (in the task's
 *     subtree, for a task in one)
 * @param reputationPpm the agent's reputation afterwards as claims on the task's scope rank it: its
 *     reputation in the task's subtree ({@link com.infrafabric.governor.registry.SubtreeStanding}),
 *     or its tenant-wide one for a task on the tenant's own scope; in parts per million; empty for
 *     a late report, which does not change the agent (it may even have been removed since)
 * @param breaker the agent's breaker afterwards as claims on the task's scope meet it: the
 *     tenant-wide one unless it is closed, else the one in the task's subtree; empty for a late
 *     report
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
