package com.infrafabric.governor.gateway;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The headers of a call to Anthropic the provider is sent too: {@code anthropic-version} and {@code
 * anthropic-beta}, checked like the body's fields ({@link ServedShape}) before anything is
 * reserved. A version Anthropic does not document, or a beta flag the operator did not allow, is
 * refused with 400 naming it rather than relayed: a beta flag may change how Anthropic bills the
 * call ({@code context-1m-...} bills a long prompt at premium rates), past the worst case the
 * gateway reserved. Stateless.
 */
final class AnthropicHeaders {

  static final String VERSION = "anthropic-version";

  static final String BETA = "anthropic-beta";

  /**
   * The API versions Anthropic's documentation lists: {@code 2026-10-21}, which its SDKs send since
   * their October 2026 majors, and the earlier ones.
   */
  static final List<String> VERSIONS = List.of("2026-10-21", "2023-06-01", "2023-01-01");

  /** The version sent for a client that names none, as before {@code 2026-10-21} existed. */
  static final String DEFAULT_VERSION = "2023-06-01";

  private AnthropicHeaders() {}

  /**
   * The headers to send Anthropic for a client that sent {@code client}: its version (or {@link
   * #DEFAULT_VERSION}) and the beta flags of all its {@code anthropic-beta} headers, each in {@code
   * allowedBetas}, in one header.
   *
   * @throws com.infrafabric.platform.http.ApiException 400 naming the header and its value, if the
   *     version is not one Anthropic documents, is given twice, or a flag is not allowed
   */
  static Map<String, String> upstream(MultiMap client, Set<String> allowedBetas) {
    String version = version(client.getAll(VERSION));
    List<String> betas = betas(client.getAll(BETA), allowedBetas);
    return betas.isEmpty()
        ? Map.of(VERSION, version)
        : Map.of(VERSION, version, BETA, String.join(",", betas));
  }

  private static String version(List<String> values) {
    if (values.isEmpty()) {
      return DEFAULT_VERSION;
    }
    String version = values.get(0).strip();
    if (values.size() > 1 || !VERSIONS.contains(version)) {
      throw RequestFields.invalid(
          VERSION,
          VERSION
              + " "
              + String.join(", ", values)
              + " is not a version Anthropic documents ("
              + String.join(", ", VERSIONS)
              + "); nothing was charged");
    }
    return version;
  }

  /** The flags of every {@code anthropic-beta} header, each comma-separated list in turn. */
  private static List<String> betas(List<String> values, Set<String> allowed) {
    List<String> betas = new ArrayList<>();
    for (String value : values) {
      for (String flag : value.split(",", -1)) {
        String named = flag.strip();
        if (named.isEmpty()) {
          continue;
        }
        if (!allowed.contains(named)) {
          throw RequestFields.invalid(BETA, refusal(named));
        }
        betas.add(named);
      }
    }
    return betas;
  }

  private static String refusal(String flag) {
    return BETA
        + " "
        + flag
        + " is not served: a beta flag may change how Anthropic bills the call, past the worst"
        + " case the gateway reserves first, so only the flags the operator allows"
        + " (gateway.anthropic.allowedBetas) are relayed; nothing was charged";
  }
}
