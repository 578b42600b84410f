package com.infrafabric.chassis.egress;

import java.time.Duration;
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

  /** True if a contract may name {@code port}: an allowed port or a trusted target's port. */
  public boolean portAllowed(int port) {
    return allowedPorts.contains(port) || trustedTargets.stream().anyMatch(t -> t.port() == port);
  }
}
