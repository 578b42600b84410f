package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the dispatcher asks a claim's grant to cover: which tool modules the owner may run, with
 * which capabilities and credentials, calling which models, how many times. The chassis never lets
 * a grant widen a tool's own contract; this narrows it further.
 *
 * @param toolDigests SHA-256 digests of the tool modules the task needs
 * @param capabilities capability names the runs may use
 * @param credentials credential names the runs may have injected
 * @param models models the runs may call; empty means the owner's own model
 * @param maxInvocations how many tool invocations the grant covers
 */
public record GrantScope(
    Set<String> toolDigests,
    Set<String> capabilities,
    Set<String> credentials,
    Set<String> models,
    int maxInvocations) {

  public static final int MAX_INVOCATIONS = 1000;

  /**
   * The most entries of each list: a grant travels in a request header to the chassis and is kept
   * with the lease, so it stays a few kilobytes (64 digests are about 4.5 KB).
   */
  public static final int MAX_ENTRIES = 64;

  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");

  public GrantScope {
    toolDigests = Set.copyOf(toolDigests);
    capabilities = Set.copyOf(capabilities);
    credentials = Set.copyOf(credentials);
    models = Set.copyOf(models);
    bounded("grant.tools", toolDigests);
    bounded("grant.capabilities", capabilities);
    bounded("grant.credentials", credentials);
    bounded("grant.models", models);
    toolDigests.forEach(digest -> check("grant.tools", digest, DIGEST, "64 lowercase hex digits"));
    capabilities.forEach(name -> check("grant.capabilities", name, NAME, "a name"));
    credentials.forEach(name -> check("grant.credentials", name, NAME, "a name"));
    models.forEach(name -> check("grant.models", name, NAME, "a model name"));
    if (maxInvocations < 1 || maxInvocations > MAX_INVOCATIONS) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "grant.max_invocations " + maxInvocations + " is outside 1.." + MAX_INVOCATIONS,
          Map.of("field", "grant.max_invocations"));
    }
  }

  /**
   * The terms as one text, the same however the lists were ordered: what a claim's idempotency
   * fingerprint holds of its grant.
   */
  public String canonical() {
    return String.join(
        "\n",
        sorted(toolDigests),
        sorted(capabilities),
        sorted(credentials),
        sorted(models),
        Integer.toString(maxInvocations));
  }

  private static String sorted(Set<String> entries) {
    return String.join(",", new TreeSet<>(entries));
  }

  private static void bounded(String field, Set<String> entries) {
    if (entries.size() > MAX_ENTRIES) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          field + " lists " + entries.size() + " entries; at most " + MAX_ENTRIES,
          Map.of("field", field));
    }
  }

  private static void check(String field, String value, Pattern pattern, String what) {
    if (!pattern.matcher(value).matches()) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, field + " entry must be " + what, Map.of("field", field));
    }
  }
}
