package com.infrafabric.chassis;

import com.infrafabric.platform.scope.ScopeGrammar;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who an invocation is for, and under which grant. The tenant scopes the tool's key-value
 * namespace; all three ids tag logs and reports.
 *
 * <p>The grant travels as the token the governor signed, exactly as the agent presented it: the
 * chassis verifies it itself (signature, expiry, audience, tenant, agent, module digest, uses)
 * before anything runs, so no caller can hand it a grant it did not check. A tool whose contract
 * asks for {@code llm} or for credentials needs one; other tools run without, as before, and with
 * one they may use only what both their contract and the grant allow.
 *
 * @param tenant tenant id, a segment of the platform's {@link ScopeGrammar} (as the governor's
 *     tenants): 1-64 characters of {@code A-Z a-z 0-9 _ -} starting with a letter or digit
 * @param agent the calling agent's id, same form
 * @param invocationId unique id of this invocation, {@code [A-Za-z0-9._-]{1,64}}
 * @param subtree the scope the caller's token is confined to: the tenant, or a scope within it. A
 *     grant is honoured only for a budget scope within it, so an agent confined to {@code acme/zzz}
 *     cannot spend on {@code acme/g} with a grant signed for that scope
 * @param grantToken the governor's grant token (a compact JWS), if the agent presented one
 */
public record InvocationContext(
    String tenant, String agent, String invocationId, String subtree, Optional<String> grantToken) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public InvocationContext {
    segment("tenant", tenant);
    segment("agent", agent);
    Objects.requireNonNull(invocationId, "invocationId");
    if (!ID.matcher(invocationId).matches()) {
      throw new IllegalArgumentException("invocationId must match [A-Za-z0-9._-]{1,64}");
    }
    Objects.requireNonNull(grantToken, "grantToken");
    if (!ScopeGrammar.isScope(subtree) || !ScopeGrammar.tenantOf(subtree).equals(tenant)) {
      throw new IllegalArgumentException("subtree must be a scope of tenant " + tenant);
    }
  }

  /** An invocation without a grant, by a caller of the whole tenant. */
  public InvocationContext(String tenant, String agent, String invocationId) {
    this(tenant, agent, invocationId, tenant, Optional.empty());
  }

  /** True if {@code scope} lies within the caller's subtree. */
  public boolean covers(String scope) {
    return scope.equals(subtree) || scope.startsWith(subtree + "/");
  }

  /** The same invocation under the grant {@code token}. */
  public InvocationContext withGrant(String token) {
    return new InvocationContext(tenant, agent, invocationId, subtree, Optional.of(token));
  }

  /** Leaves the grant token out: it must not reach logs. */
  @Override
  public String toString() {
    return "InvocationContext[tenant="
        + tenant
        + ", agent="
        + agent
        + ", invocationId="
        + invocationId
        + ", subtree="
        + subtree
        + ", grant="
        + (grantToken.isPresent() ? "<token>" : "none")
        + ']';
  }

  private static void segment(String field, String value) {
    Objects.requireNonNull(value, field);
    if (!ScopeGrammar.isSegment(value)) {
      throw new IllegalArgumentException(field + " must be " + ScopeGrammar.SEGMENT_RULE);
    }
  }
}
