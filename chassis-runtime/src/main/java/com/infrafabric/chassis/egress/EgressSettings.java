package com.infrafabric.chassis.egress;

import com.infrafabric.llm.destination.DestinationPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The operator's egress policy, applied on top of each contract's allow-list.
 *
 * @param allowedSchemes schemes any contract may use; default {@code https} only
 * @param allowedPorts ports any contract may name; ports of {@link #trustedTargets} are added
 * @param trustedTargets non-public networks and ports guests may still reach; empty by default
 * @param maxRedirects redirect hops followed for GET and HEAD, each checked like the first request
 * @param resolveTimeout bound on resolving one host name
 * @param maxHeaderBytes cap on the response status line and headers
 * @param maxRequestBodyBytes cap on one request body a guest sends
 */
public record EgressSettings(
    Set<String> allowedSchemes,
    Set<Integer> allowedPorts,
    List<TrustedTarget> trustedTargets,
    int maxRedirects,
    Duration resolveTimeout,
    int maxHeaderBytes,
    int maxRequestBodyBytes) {

  public EgressSettings {
    allowedSchemes = Set.copyOf(allowedSchemes);
    allowedPorts = Set.copyOf(allowedPorts);
    trustedTargets = List.copyOf(trustedTargets);
    for (String scheme : allowedSchemes) {
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(
            "egress.allowedSchemes may hold http and https, not " + scheme);
      }
    }
    if (maxRedirects < 0 || maxRedirects > 10) {
      throw new IllegalArgumentException(
          "egress.maxRedirects " + maxRedirects + " is outside 0..10");
    }
    if (resolveTimeout.isNegative() || resolveTimeout.isZero()) {
      throw new IllegalArgumentException("egress.resolveTimeout must be positive");
    }
    if (maxHeaderBytes < 1024 || maxRequestBodyBytes < 0) {
      throw new IllegalArgumentException(
          "egress.maxHeaderBytes must be at least 1024 and egress.maxRequestBodyBytes not negative");
    }
  }

  /** HTTPS on 443 only, no exemptions, up to 3 redirects, 2 s to resolve, 16 KiB of headers. */
  public static EgressSettings defaults() {
    return new EgressSettings(
        Set.of("https"), Set.of(443), List.of(), 3, Duration.ofSeconds(2), 16 * 1024, 1 << 20);
  }

  /**
   * Why no request could ever pass under {@code pattern}: a scheme or a port the operator does not
   * allow. Empty when some request could. Contracts' and tenant credentials' allow-lists are both
   * held to it when written, so whoever writes one hears it then, not from a tool's denied call.
   */
  public List<String> refusals(DestinationPattern pattern) {
    List<String> refusals = new ArrayList<>(2);
    if (!allowedSchemes.contains(pattern.scheme())) {
      refusals.add("scheme " + pattern.scheme() + " is not allowed by the operator");
    }
    if (!portAllowed(pattern.port())) {
      refusals.add("port " + pattern.port() + " is not allowed by the operator");
    }
    return refusals;
  }

  private boolean portAllowed(int port) {
    return allowedPorts.contains(port) || trustedTargets.stream().anyMatch(t -> t.port() == port);
  }
}
