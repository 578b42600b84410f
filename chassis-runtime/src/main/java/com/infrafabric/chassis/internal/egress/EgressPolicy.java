package com.infrafabric.chassis.internal.egress;

import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import java.net.InetAddress;
import java.util.List;

/**
 * Decides each outbound hop: the URL must parse strictly, its scheme be allowed by the operator,
 * its origin match the contract's allow-list, and every address its host resolves to be public or
 * explicitly trusted. One special address among the answers refuses the whole hop, so a DNS answer
 * mixing a public and a private address cannot be raced. Thread-safe.
 *
 * <p>A refusal's reason reaches the tool's log and so the tool's caller: it names the destination
 * and the class of the refused address, never the address, or a tool could map internal names and
 * networks for every host its allow-list wildcard covers. The refused address goes to the
 * operator's log only (logger {@code infrafabric.chassis.egress}).
 */
public final class EgressPolicy {

  private final EgressSettings settings;
  private final ResolverPool resolvers;

  public EgressPolicy(EgressSettings settings, ResolverPool resolvers) {
    this.settings = settings;
    this.resolvers = resolvers;
  }

  /**
   * Checks one hop to {@code url} under {@code allowList} for a guest of {@code tenant}, whose
   * share of the node's DNS lookups it uses. Blocks while resolving, for at most the resolve
   * timeout; call it from a guest worker thread only.
   */
  public EgressDecision check(String tenant, String url, List<DestinationPattern> allowList)
      throws InterruptedException {
    Destination destination;
    try {
      destination = Destination.parse(url);
    } catch (IllegalArgumentException e) {
      return new EgressDecision.Denied(AbiError.DENIED, e.getMessage(), "url");
    }
    if (!settings.allowedSchemes().contains(destination.scheme())) {
      return new EgressDecision.Denied(
          AbiError.DENIED,
          "scheme " + destination.scheme() + " is not allowed by the operator",
          "scheme");
    }
    if (allowList.stream().noneMatch(p -> p.matches(destination))) {
      return new EgressDecision.Denied(
          AbiError.DENIED, destination.origin() + " is not on the allow-list", "allow-list");
    }
    return checkAddresses(tenant, destination);
  }

  private EgressDecision checkAddresses(String tenant, Destination destination)
      throws InterruptedException {
    List<InetAddress> addresses;
    if (destination.literal().isPresent()) {
      addresses = List.of(destination.literal().get());
    } else {
      ResolverPool.Resolution resolution =
          resolvers.resolve(tenant, destination.host(), settings.resolveTimeout());
      if (!(resolution instanceof ResolverPool.Resolution.Resolved resolved)) {
        return unresolved(destination, resolution);
      }
      addresses = resolved.addresses();
    }
    if (addresses.isEmpty()) {
      return new EgressDecision.Denied(
          AbiError.UNAVAILABLE, destination.host() + " does not resolve", "dns");
    }
    for (InetAddress address : addresses) {
      AddressClass addressClass = AddressClassifier.classify(address);
      if (addressClass != AddressClass.PUBLIC && !trusted(address, destination.port())) {
        return refusedAddress(destination, address, addressClass);
      }
    }
    return new EgressDecision.Allowed(destination, addresses.get(0));
  }

  private static EgressDecision refusedAddress(
      Destination destination, InetAddress address, AddressClass addressClass) {
    return new EgressDecision.Denied(
        AbiError.DENIED,
        destination.host() + " resolves to " + addressClass.description() + " address",
        "address",
        address.getHostAddress());
  }

  private boolean trusted(InetAddress address, int port) {
    return settings.trustedTargets().stream().anyMatch(t -> t.covers(address, port));
  }

  private static EgressDecision unresolved(
      Destination destination, ResolverPool.Resolution resolution) {
    if (resolution instanceof ResolverPool.Resolution.TimedOut) {
      return new EgressDecision.Denied(
          AbiError.TIMEOUT, destination.host() + " did not resolve in time", "dns");
    }
    if (resolution instanceof ResolverPool.Resolution.Refused) {
      return new EgressDecision.Denied(
          AbiError.UNAVAILABLE,
          "the tenant's share of DNS lookups is in use; "
              + destination.host()
              + " was not looked up",
          "dns-share");
    }
    return new EgressDecision.Denied(
        AbiError.UNAVAILABLE, destination.host() + " does not resolve", "dns");
  }
}
