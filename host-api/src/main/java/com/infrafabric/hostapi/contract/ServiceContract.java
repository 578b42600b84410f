package com.infrafabric.hostapi.contract;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a publisher promises and asks for one version of one tool. A contract only takes effect when
 * signed by a publisher key the operator trusts and when {@link #moduleDigest()} matches the module
 * it is registered with.
 *
 * @param toolName lowercase name, {@code [a-z][a-z0-9-]{0,62}}
 * @param version version label, {@code [0-9A-Za-z.+-]{1,32}}
 * @param moduleDigest SHA-256 of the module this contract is for
 * @param capabilities requested capabilities, at most one per kind
 * @param limits per-invocation resource limits
 * @param slo the publisher's service-level objectives
 */
public record ServiceContract(
    String toolName,
    String version,
    ModuleDigest moduleDigest,
    List<Capability> capabilities,
    ResourceLimits limits,
    Slo slo) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+-]{1,32}");

  public ServiceContract {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(moduleDigest, "moduleDigest");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(slo, "slo");
    if (!NAME.matcher(toolName).matches()) {
      throw new IllegalArgumentException(
          "name \"" + toolName + "\" must match [a-z][a-z0-9-]{0,62}");
    }
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "version \"" + version + "\" must match [0-9A-Za-z.+-]{1,32}");
    }
    capabilities = List.copyOf(capabilities);
    Map<CapabilityKind, Capability> seen = new EnumMap<>(CapabilityKind.class);
    for (Capability capability : capabilities) {
      if (seen.put(capability.kind(), capability) != null) {
        throw new IllegalArgumentException(
            "capability " + capability.kind().jsonName() + " is requested twice");
      }
    }
    if (slo.p99Latency().compareTo(limits.timeout()) > 0) {
      throw new IllegalArgumentException(
          "slo.p99LatencyMs "
              + slo.p99Latency().toMillis()
              + " exceeds limits.timeoutMs "
              + limits.timeout().toMillis());
    }
  }

  /** True if the contract grants {@code kind}. */
  public boolean grants(CapabilityKind kind) {
    return capabilities.stream().anyMatch(c -> c.kind() == kind);
  }

  /** The granted capability of type {@code type}, if any. */
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
  }
}
