package com.infrafabric.wire.grant;

import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.platform.scope.ScopeGrammar;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the governor allows one agent to do for one claimed task, and nothing more: which tool
 * modules it may run (by SHA-256 digest), which capabilities and named credentials those runs may
 * use (never more than a tool's own contract: the chassis intersects), which scope their LLM calls
 * are charged to, which models, up to what cost, how many times and until when.
 *
 * <p>Travels as a short-lived ES256 JWS signed by the governor ({@link GrantTokens}); the chassis
 * verifies it against the governor's public keys and counts its uses in Redis so it cannot be
 * replayed beyond {@link #maxUses}, across restarts and nodes.
 *
 * <p>A grant belongs to one tenant: its agent and tenant are ids of the {@link ScopeGrammar} and
 * its budget scope lies in its tenant, so the runs it covers can only charge that tenant's budget
 * and only use that tenant's credentials.
 *
 * @param id unique grant id (the token's {@code jti})
 * @param agent the agent the task was claimed by
 * @param tenant the tenant of the task
 * @param task the claim it was signed for: the governor's lease id {@code tenant/task#n}, which
 *     names its revocation ({@link GrantRevocation})
 * @param budgetScope the scope LLM calls are reserved and charged on, inside {@code tenant}
 * @param toolDigests lowercase hex SHA-256 digests of the modules the grant covers
 * @param capabilities capability names the runs may use: the JSON names of {@link CapabilityKind},
 *     e.g. {@code http}, {@code llm}
 * @param credentials credential names the runs may have injected into allowed requests
 * @param models LLM models the runs may call
 * @param costCapMicros the most the runs may spend on LLM calls, in micro-dollars
 * @param maxUses how many invocations the grant covers
 * @param expiresAt when the grant stops being valid
 */
public record Grant(
    String id,
    String agent,
    String tenant,
    String task,
    String budgetScope,
    Set<String> toolDigests,
    Set<String> capabilities,
    Set<String> credentials,
    Set<String> models,
    long costCapMicros,
    int maxUses,
    Instant expiresAt) {

  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

  public Grant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(budgetScope, "budgetScope");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!ScopeGrammar.isSegment(agent) || !ScopeGrammar.isSegment(tenant)) {
      throw new IllegalArgumentException("agent and tenant must be " + ScopeGrammar.SEGMENT_RULE);
    }
    if (!ScopeGrammar.isScope(budgetScope) || !ScopeGrammar.tenantOf(budgetScope).equals(tenant)) {
      throw new IllegalArgumentException("budgetScope must be a scope of tenant " + tenant);
    }
    toolDigests = Set.copyOf(toolDigests);
    capabilities = Set.copyOf(capabilities);
    credentials = Set.copyOf(credentials);
    models = Set.copyOf(models);
    for (String digest : toolDigests) {
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException(
            "tool digest " + digest + " is not 64 lowercase hex digits");
      }
    }
    if (costCapMicros < 0) {
      throw new IllegalArgumentException("costCapMicros " + costCapMicros + " is negative");
    }
    if (maxUses < 1) {
      throw new IllegalArgumentException("maxUses " + maxUses + " is below 1");
    }
  }

  /** Whether the runs this grant covers may use capabilities of {@code kind}. */
  public boolean allows(CapabilityKind kind) {
    return capabilities.contains(kind.jsonName());
  }

  public boolean coversTool(String digest) {
    return toolDigests.contains(digest);
  }
}
