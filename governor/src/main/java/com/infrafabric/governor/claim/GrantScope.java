package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.wire.grant.GrantTokens;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

  /** The most entries of each list. */
  public static final int MAX_ENTRIES = 64;

  /**
   * The most characters of the terms ({@link #canonical()}, every entry and a separator after it):
   * a grant travels in a request head to the chassis, so with its other claims at their longest it
   * must stay within {@link GrantTokens#MAX_BYTES} signed (GrantScopeTest signs the worst case).
   * Entries alone do not bound it: 64 model names of 128 characters each made a 22 KB grant the
   * chassis refused with 431.
   */
  public static final int MAX_TERMS_CHARS = 2_800;

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
    capabilities.forEach(GrantScope::capability);
    credentials.forEach(name -> check("grant.credentials", name, NAME, "a name"));
    models.forEach(name -> check("grant.models", name, NAME, "a model name"));
    int terms = canonical(toolDigests, capabilities, credentials, models, maxInvocations).length();
    if (terms > MAX_TERMS_CHARS) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "the grant's terms take "
              + terms
              + " characters, above the "
              + MAX_TERMS_CHARS
              + " a grant may carry to the chassis in a request header: name fewer or shorter"
              + " entries",
          Map.of("field", "grant"));
    }
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
    return canonical(toolDigests, capabilities, credentials, models, maxInvocations);
  }

  private static String canonical(
      Set<String> toolDigests,
      Set<String> capabilities,
      Set<String> credentials,
      Set<String> models,
      int maxInvocations) {
    return String.join(
        "\n",
        sorted(toolDigests),
        sorted(capabilities),
        sorted(credentials),
        sorted(models),
        Integer.toString(maxInvocations));
  }

  /**
   * A capability the chassis knows ({@link CapabilityKind}): any other name would be signed idle.
   */
  private static void capability(String name) {
    if (CapabilityKind.ofJsonName(name).isEmpty()) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "grant.capabilities entry must be one of "
              + Arrays.stream(CapabilityKind.values())
                  .map(CapabilityKind::jsonName)
                  .collect(Collectors.joining(", ")),
          Map.of("field", "grant.capabilities"));
    }
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
