package com.infrafabric.chassis.internal.egress;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides each outbound hop: the URL must parse strictly, its scheme be allowed by the operator,
 * its origin match the contract's allow-list, and every address its host resolves to be public or
 * explicitly trusted. One special address among the answers refuses the whole hop, so a DNS answer
 * mixing a public and a private address cannot be raced. Thread-safe.
 */
public final class EgressPolicy {

  private final EgressSettings settings;
  private final HostResolver resolver;
  private final Executor resolverExecutor;

  public EgressPolicy(EgressSettings settings, HostResolver resolver, Executor resolverExecutor) {
    this.settings = settings;
    this.resolver = resolver;
    this.resolverExecutor = resolverExecutor;
  }

  /**
   * Checks one hop to {@code url} under {@code allowList}. Blocks while resolving, for at most the
   * resolve timeout; call it from a guest worker thread only.
   */
  public EgressDecision check(String url, List<DestinationPattern> allowList)
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
    return checkAddresses(destination);
  }

  private EgressDecision checkAddresses(Destination destination) throws InterruptedException {
    List<InetAddress> addresses;
    if (destination.literal().isPresent()) {
      addresses = List.of(destination.literal().get());
    } else {
      try {
        addresses = resolve(destination.host());
      } catch (UnknownHostException | ExecutionException e) {
        return new EgressDecision.Denied(
            AbiError.UNAVAILABLE, destination.host() + " does not resolve", "dns");
      } catch (TimeoutException e) {
        return new EgressDecision.Denied(
            AbiError.TIMEOUT, destination.host() + " did not resolve in time", "dns");
      }
    }
    if (addresses.isEmpty()) {
      return new EgressDecision.Denied(
          AbiError.UNAVAILABLE, destination.host() + " does not resolve", "dns");
    }
    for (InetAddress address : addresses) {
      AddressClass addressClass = AddressClassifier.classify(address);
      if (addressClass != AddressClass.PUBLIC && !trusted(address, destination.port())) {
        return new EgressDecision.Denied(
            AbiError.DENIED,
            destination.host()
                + " resolves to "
                + address.getHostAddress()
                + ", "
                + addressClass.description()
                + " address",
            "address");
      }
    }
    return new EgressDecision.Allowed(destination, addresses.get(0));
  }

  private boolean trusted(InetAddress address, int port) {
    return settings.trustedTargets().stream().anyMatch(t -> t.covers(address, port));
  }

  private List<InetAddress> resolve(String host)
      throws UnknownHostException, ExecutionException, TimeoutException, InterruptedException {
    CompletableFuture<List<InetAddress>> lookup = new CompletableFuture<>();
    resolverExecutor.execute(
        () -> {
          try {
            lookup.complete(List.copyOf(resolver.resolve(host)));
          } catch (UnknownHostException | RuntimeException e) {
            lookup.completeExceptionally(e);
          }
        });
    try {
      return lookup.get(settings.resolveTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      throw e;
    }
  }
}
