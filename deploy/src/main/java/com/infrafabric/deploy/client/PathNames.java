package com.infrafabric.deploy.client;

import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.claim.LeaseId;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.platform.http.Excerpt;
import com.infrafabric.platform.scope.ScopeGrammar;

/**
 * The names a command puts in a request's path, checked before anything is sent with the grammar
 * the service itself applies: {@link ServiceContract} for tool names and versions, {@link
 * HttpCapability} for credential names, {@link ScopeGrammar} for tenants, agents and scopes, {@link
 * LeaseId} for leases, {@link VirtualKey} for key ids. A name the service would refuse is the
 * caller's input error, found here (exit 2, one line naming it), not a request the service answers
 * 400 (exit 1). Each check returns its value, for {@code segment(PathNames.tool(name))}.
 */
final class PathNames {

  private PathNames() {}

  static String tool(String name) {
    return require(
        ServiceContract.isToolName(name),
        "tool name",
        name,
        "must match " + ServiceContract.NAME_GRAMMAR);
  }

  static String version(String version) {
    return require(
        ServiceContract.isVersion(version),
        "tool version",
        version,
        "must match " + ServiceContract.VERSION_GRAMMAR);
  }

  static String credential(String name) {
    return require(
        HttpCapability.CREDENTIAL_NAME.matcher(name).matches(),
        "credential name",
        name,
        "must match " + HttpCapability.CREDENTIAL_NAME.pattern());
  }

  /** A tenant, or an agent id: one scope segment. */
  static String segment(String what, String value) {
    return require(
        ScopeGrammar.isSegment(value), what, value, "must be " + ScopeGrammar.SEGMENT_RULE);
  }

  static String scope(String scope) {
    ScopeGrammar.problem(scope)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException("scope " + Excerpt.quoted(scope) + " " + why);
            });
    return scope;
  }

  static String lease(String lease) {
    try {
      LeaseId.parse(lease);
      return lease;
    } catch (GovernorException malformed) {
      throw new IllegalArgumentException(
          "lease " + Excerpt.quoted(lease) + " must look like <tenant>/<task id>#<number>");
    }
  }

  static String keyId(String id) {
    return require(VirtualKey.isId(id), "key id", id, "must be k and 20 hex digits");
  }

  private static String require(boolean valid, String what, String value, String rule) {
    if (!valid) {
      throw new IllegalArgumentException(what + " " + Excerpt.quoted(value) + " " + rule);
    }
    return value;
  }
}
