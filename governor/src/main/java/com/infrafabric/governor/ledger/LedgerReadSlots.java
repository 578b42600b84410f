package com.infrafabric.governor.ledger;

import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.limit.TenantSlots;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A bound on the reads of a whole ledger, or of a long range of it, that one node runs at once
 * (reconciliations, spend reports), shared between tenants as {@link TenantSlots} are: one tenant
 * holds at most half of the bound, and a tenant holding less than its fair share is served beyond
 * it (up to twice the bound), so two tenants' auditors asking again and again cannot shut a third
 * out. A read beyond that is refused at once with 503 {@code OVERLOADED} and a {@code Retry-After},
 * never queued. Thread-safe.
 */
public final class LedgerReadSlots {

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final TenantSlots slots;
  private final String reads;

  /**
   * @param bound the reads one node runs at once before only tenants under their fair share are
   *     served
   * @param reads what the reads are, plural, for refusals ("reconciliations")
   */
  public LedgerReadSlots(int bound, String reads) {
    this.slots = new TenantSlots(bound);
    this.reads = reads;
  }

  /**
   * Runs {@code read} for {@code tenant} in a slot given back when it completes, or answers a
   * failed future with {@code OVERLOADED} when the tenant may take none now.
   */
  public <T> Future<T> run(String tenant, Supplier<Future<T>> read) {
    TenantSlots.Decision decision = slots.take(tenant);
    if (decision != TenantSlots.Decision.ADMITTED) {
      return Future.failedFuture(refusal(tenant, decision));
    }
    return Future.<Void>succeededFuture()
        .compose(ignored -> read.get())
        .onComplete(done -> slots.release(tenant));
  }

  private ApiException refusal(String tenant, TenantSlots.Decision decision) {
    String why =
        decision == TenantSlots.Decision.TENANT_SHARE
            ? "Tenant " + tenant + " holds its share of this node's " + reads
            : "This node runs as many " + reads + " as it may at once";
    return ApiException.retryAfter(ErrorCode.OVERLOADED, why + "; retry shortly.", RETRY_AFTER);
  }
}
