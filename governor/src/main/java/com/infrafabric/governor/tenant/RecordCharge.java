package com.infrafabric.governor.tenant;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What a request is charged against its tenant's write quota ({@code budget.tenantRecordsPerHour}):
 * the records it leaves in the shared Redis for hours or days, idempotency records, reservation,
 * lease and task records, grant revocations and ledger entries. A reserve and its release, or a
 * commit of 0, cost no money, and a configuration change none either, so without this bound a
 * tenant with many principals (each under its own rate limit) could fill the memory every tenant
 * shares.
 *
 * <p>A request that opens something (a hold, a lease, a key) pays at once for what it writes and
 * for the most its settlement will write, so the settlement ({@link #PREPAID}) is never refused:
 * what was admitted is always settled. The charge is decided in the script that writes the records,
 * in the same atomic step ({@code quota_refusal()} in budget_lib.lua, which {@code
 * replay_or_refusal()} asks for a request under an idempotency key, reads the table {@link
 * #luaDeclarations()} generates): a request the quota has no room for is refused before it writes
 * anything, and concurrent requests can never take a tenant past it. {@code
 * RecordChargeCoverageTest} holds every tenant script that writes the ledger to naming a charge.
 */
public enum RecordCharge {
  /**
   * A reserve: its idempotency record, the reservation's record and its ledger entry; then, at
   * most, the hold's expiry (a ledger entry) and a late commit (an idempotency record and a ledger
   * entry).
   */
  RESERVE(6),
  /**
   * A claim: its idempotency record, the hold's record and ledger entry, the task's record, the
   * lease's record, the claim's ledger entry and, at most, its subtree's entry in the tenant's
   * record of contending subtrees (one per subtree, added by its first lease); then, at most, the
   * lease's lapse (the hold's and the lease's expiry entries and the grants' revocation) and a late
   * finish (its idempotency record, the commit's and the finish's ledger entries).
   */
  CLAIM(13),
  /**
   * A claim refused for want of a slot ({@code all_busy}, {@code subtree_share}) that adds its
   * subtree to the tenant's record of contending subtrees, which holds the subtree to its share no
   * more once it stops contending: that entry. It is admitted as a {@link #CLAIM} (checked before
   * the claim knows its outcome), so it never takes the tenant past the quota; a refusal that only
   * refreshes its subtree's entry adds no record and is charged nothing, as a heartbeat is.
   */
  CONTENTION(1),
  /**
   * A claim that found no agent and escalated: its {@code claim.escalated} event, which the
   * tenant's claim events keep (and its webhooks deliver) whoever asks again. The claim was asked
   * room for {@link #CLAIM} before it wrote anything, so one that has no room is refused and writes
   * no event; it is charged this for the one it wrote, as a refusal is never a free write.
   */
  ESCALATION(1),
  /** A charge: its idempotency record and its ledger entry. */
  CHARGE(2),
  /**
   * A virtual key's creation: its idempotency record and ledger entry, and its revocation's (the
   * key's record itself is bounded by the tenant's key limit and goes with the revocation).
   */
  KEY_CREATE(4),
  /** A key's rotation or new expiry: its idempotency record and its ledger entry. */
  KEY_CHANGE(2),
  /**
   * A change to a tenant's configuration: a budget put or deletion, its zone, its policy, an
   * agent's registration, status, removal or breaker reset. Its ledger entry, kept as long as any
   * (a week by default): an admin's calls are no cheaper for the store than an agent's. A request
   * that would change nothing (the same budget or policy again, an agent's current status, a reset
   * of closed breakers) writes nothing and is charged nothing.
   */
  CHANGE(1),
  /**
   * What settles something a request already paid for: a commit, release or finish of a hold, a
   * revocation of a key. Never refused, as admitted work is never shed.
   */
  PREPAID(0);

  /**
   * The quota's fixed window: a tenant's counter covers one hour since the epoch and is gone an
   * hour after it ends.
   */
  public static final Duration WINDOW = Duration.ofHours(1);

  private final int records;

  RecordCharge(int records) {
    this.records = records;
  }

  /** The records this request is charged. */
  public int records() {
    return records;
  }

  /** The largest charge: a quota below it would refuse that request always. */
  public static int largest() {
    return Arrays.stream(values()).mapToInt(RecordCharge::records).max().orElseThrow();
  }

  /**
   * Lua declarations of the window and of the table {@code RECORDS}, each charge by its lowercase
   * name ({@code RECORDS.reserve}), which a script names when it asks to go ahead.
   */
  static String luaDeclarations() {
    StringJoiner charges = new StringJoiner(", ", "local RECORDS = {", "}\n");
    for (RecordCharge charge : values()) {
      charges.add(charge.name().toLowerCase(Locale.ROOT) + " = " + charge.records);
    }
    return "local QUOTA_WINDOW_MS = " + WINDOW.toMillis() + "\n" + charges;
  }
}
