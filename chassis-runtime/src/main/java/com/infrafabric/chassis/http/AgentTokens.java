package com.infrafabric.chassis.http;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.scope.ScopeGrammar;
import java.util.Optional;

/**
 * What an agent token allows. Its {@value #TOOLS_CLAIM} list claim names the tools it may see and
 * invoke: {@code name@version} for one version, {@code name} for every version of a tool; no other
 * tool exists for it. The first segment of its {@code scope} claim is the tenant it acts for (the
 * tool's key-value namespace), its subject the agent. Both follow the platform's {@link
 * ScopeGrammar}, as in the governor: token verification already refused a scope outside it.
 * Operators and publishers see every tool. The REST routes and the MCP endpoint read tokens through
 * this one class.
 */
public final class AgentTokens {

  public static final String TOOLS_CLAIM = "tools";

  private AgentTokens() {}

  private static final Access SEES_EVERY_TOOL =
      Access.platform(ChassisApi.OPERATOR, ChassisApi.PUBLISHER);

  /**
   * True if the caller may see every tool, not just the ones its token grants: an operator or
   * publisher with a platform token (a tenant token's roles do not reach the shared registry).
   */
  static boolean seesEveryTool(Principal caller) {
    return SEES_EVERY_TOOL.permits(caller);
  }

  /** True if the caller's {@value #TOOLS_CLAIM} claim names {@code ref} or its tool name. */
  public static boolean grants(Principal caller, ToolRef ref) {
    return caller.stringListClaim(TOOLS_CLAIM).stream()
        .anyMatch(entry -> entry.equals(ref.toString()) || entry.equals(ref.name()));
  }

  /** True if the caller may see {@code ref} in listings and lookups. */
  static boolean sees(Principal caller, ToolRef ref) {
    return seesEveryTool(caller) || grants(caller, ref);
  }

  /**
   * Who an invocation is for.
   *
   * @throws ApiException 403 {@code FORBIDDEN} if the token names no tenant, or its subject is not
   *     an agent id of the {@link ScopeGrammar}
   */
  public static InvocationContext context(Principal caller, String invocationId) {
    String scope =
        caller
            .scope()
            .orElseThrow(
                () ->
                    ApiException.of(
                        ErrorCode.FORBIDDEN,
                        "An agent token must name its tenant as the first segment of its scope."));
    if (!ScopeGrammar.isSegment(caller.subject())) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN, "The token's subject must be " + ScopeGrammar.SEGMENT_RULE + ".");
    }
    if (!ScopeGrammar.isScope(scope)) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "The token's scope claim is not a valid scope.");
    }
    return new InvocationContext(
        ScopeGrammar.tenantOf(scope), caller.subject(), invocationId, scope, Optional.empty());
  }
}
