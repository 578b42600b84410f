package com.infrafabric.wire.grant;

/**
 * Where the end of a claim is recorded for the grants signed for it: the governor writes this key
 * in the same Lua step that ends the lease (finished, abandoned, failed or expired; {@code
 * claim_lib.lua}'s {@code end_lease}), and the chassis refuses every grant whose key exists in the
 * same Lua step that counts the grant's use or holds its LLM spend. So a grant stops working on
 * every node the moment its task's lease ends, not when its token expires.
 *
 * <p>The key carries the tenant's hash tag, like every other key of the tenant's claims, so both
 * scripts touch keys of one Redis Cluster slot. It only works where both services share one Redis
 * (as {@code infrafabric serve} does): a chassis on another Redis never sees a revocation, and its
 * grants then end at their expiry, the lease's first TTL.
 */
public final class GrantRevocation {

  private GrantRevocation() {}

  /** The revocation key of {@code grant}: its tenant and the lease it was signed for. */
  public static String key(Grant grant) {
    return key(grant.tenant(), grant.task());
  }

  /**
   * The revocation key of the lease {@code lease} ({@code tenant/task#n}) of {@code tenant}; the
   * governor's scripts spell it {@code P .. 'revoked:' .. lease} with the tenant prefix P.
   */
  public static String key(String tenant, String lease) {
    return "gov:{" + tenant + "}:revoked:" + lease;
  }
}
