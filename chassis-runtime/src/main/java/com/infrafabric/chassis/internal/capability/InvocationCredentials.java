package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.chassis.internal.egress.Hop;
import com.infrafabric.chassis.internal.egress.OriginServers;
import com.infrafabric.chassis.internal.egress.Server;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.CredentialId;
import com.infrafabric.llm.vault.CredentialIndex;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the vault means for one invocation's HTTP requests, read at its first one: the tenant
 * credentials it may use (named by both its tool's contract and its grant), guarded by its boundary
 * from then on; and, for each server a hop reaches, the credentials bound to it, of any tenant or
 * the operator, whether or not this invocation may use them. What protects a secret follows the
 * server it may be sent to, whatever name reaches it: an answer from such a server, to a request
 * with or without a credential, from any tool of any tenant, under the credential's origin or any
 * other name for the same server, comes back with every secret bound to the server redacted and
 * follows the strictest of their {@link ResponsePolicy response policies}, is never compressed nor
 * in a charset redaction cannot read, and a status-only credential's server answers at most its
 * number of requests, and only to invocations that may use one ({@link #withholds}). A server that
 * was sent a secret cannot hand it back to anyone.
 *
 * <p>The vault is read once per invocation ({@link CredentialStore#index()}: one Redis read while
 * no credential changes), so a credential put or deleted applies from the next invocation on.
 * Touched by the invocation's guest thread only.
 */
final class InvocationCredentials {

  private final String tenantName;
  private final CredentialOwner tenant;
  private final Map<String, OpenedCredential> usable;
  private final Optional<CredentialIndex> index;
  private final GuestBoundary boundary;
  private final OriginServers servers;
  private final Map<String, Map<CredentialId, OpenedCredential>> boundByOrigin = new HashMap<>();
  private final Map<HopKey, HopCredentials> boundByHop = new HashMap<>();
  private final Map<CredentialId, Integer> statusRequests = new HashMap<>();

  private InvocationCredentials(
      Invocation invocation,
      Map<String, OpenedCredential> usable,
      Optional<CredentialIndex> index,
      OriginServers servers) {
    this.tenantName = invocation.context().tenant();
    this.tenant = CredentialOwner.tenant(tenantName);
    this.usable = usable;
    this.index = index;
    this.boundary = invocation.boundary();
    this.servers = servers;
  }

  /**
   * The vault as {@code invocation} sees it: the credentials it may use opened and guarded by its
   * boundary, and the index of every credential by origin, whose servers {@code servers} knows.
   * Without a vault, nothing is bound.
   */
  static Future<InvocationCredentials> open(
      Invocation invocation,
      Collection<String> contract,
      Optional<CredentialStore> store,
      OriginServers servers) {
    if (store.isEmpty()) {
      return Future.succeededFuture(
          new InvocationCredentials(invocation, Map.of(), Optional.empty(), servers));
    }
    Set<String> names = new TreeSet<>(contract);
    names.retainAll(invocation.grant().map(g -> g.credentials()).orElse(Set.of()));
    return store.get().index().map(index -> opened(invocation, names, index, servers));
  }

  private static InvocationCredentials opened(
      Invocation invocation, Set<String> names, CredentialIndex index, OriginServers servers) {
    CredentialOwner tenant = CredentialOwner.tenant(invocation.context().tenant());
    Map<String, OpenedCredential> usable = new HashMap<>();
    for (String name : names) {
      index
          .open(new CredentialId(tenant, name))
          .ifPresent(
              credential -> {
                invocation.boundary().guard(credential);
                usable.put(name, credential);
              });
    }
    return new InvocationCredentials(invocation, Map.copyOf(usable), Optional.of(index), servers);
  }

  /** The usable credential {@code name}; empty if the vault does not hold it for the tenant. */
  Optional<OpenedCredential> named(String name) {
    return Optional.ofNullable(usable.get(name));
  }

  /**
   * True if status-only credentials are bound to {@code hop}'s server and this invocation may use
   * none of them: such a server answers only invocations under a grant for one, since even its
   * status classes, read by invocations no grant limits in number, would spell out a secret it
   * stored a few bits at a time.
   */
  boolean withholds(HopCredentials hop) {
    List<Map.Entry<CredentialId, OpenedCredential>> statusOnly = hop.statusOnlyOnes();
    return !statusOnly.isEmpty() && statusOnly.stream().noneMatch(e -> usable(e.getKey()));
  }

  private boolean usable(CredentialId id) {
    return id.owner().equals(tenant) && usable.containsKey(id.name());
  }

  /**
   * Counts one request to {@code hop}'s server against every status-only credential bound to it;
   * false, counting nothing, if one of them has no request left.
   */
  boolean takeStatusRequest(HopCredentials hop) {
    List<Map.Entry<CredentialId, OpenedCredential>> limited = hop.statusOnlyOnes();
    for (Map.Entry<CredentialId, OpenedCredential> entry : limited) {
      int max = ((ResponsePolicy.StatusOnly) entry.getValue().response()).maxRequests();
      if (statusRequests.getOrDefault(entry.getKey(), 0) >= max) {
        return false;
      }
    }
    limited.forEach(e -> statusRequests.merge(e.getKey(), 1, Integer::sum));
    return true;
  }

  /**
   * The credentials bound to the server {@code hop} reaches: those bound to the origin it names,
   * and to every origin that server {@linkplain OriginServers#serves serves} (the vault's exact
   * origins on its scheme and port whose host is or resolves to an address of its machine, and the
   * origins hops on this node reached that machine under), so another name or another address of a
   * server (any loopback address for another, say) shapes its answers as the server's own name
   * does. Each is guarded by the boundary before any answer from the server is read. May resolve
   * the candidate origins' hosts on the invocation's share of the node's lookups; kept for the rest
   * of the invocation.
   */
  HopCredentials bound(Hop hop) throws InterruptedException {
    HopKey key = new HopKey(hop.destination().origin(), hop.server());
    HopCredentials known = boundByHop.get(key);
    if (known == null) {
      known = lookUp(hop);
      boundByHop.put(key, known);
    }
    return known;
  }

  private HopCredentials lookUp(Hop hop) throws InterruptedException {
    Map<CredentialId, OpenedCredential> bound = new LinkedHashMap<>(byName(hop.destination()));
    if (!bound.isEmpty()) {
      servers.reached(hop);
    }
    for (Destination origin : servers.reachedAt(hop.server())) {
      bound.putAll(byName(origin));
    }
    for (Destination origin : candidates(hop.server())) {
      if (!origin.host().equals(hop.destination().host())
          && servers.serves(tenantName, origin, hop.server())) {
        bound.putAll(byName(origin));
      }
    }
    return new HopCredentials(bound);
  }

  /** The exact origins, in the index or a usable credential's sealed list, on the server's port. */
  private Set<Destination> candidates(Server server) {
    Set<Destination> origins = new LinkedHashSet<>();
    index.ifPresent(i -> origins.addAll(i.exactOrigins(server.scheme(), server.port())));
    for (OpenedCredential credential : usable.values()) {
      for (DestinationPattern pattern : credential.allow()) {
        if (!pattern.wildcard()
            && pattern.scheme().equals(server.scheme())
            && pattern.port() == server.port()) {
          origins.add(Destination.parse(pattern.toString()));
        }
      }
    }
    return origins;
  }

  /**
   * The credentials that may be sent to {@code origin} by name: those the index binds to it, and
   * the usable ones whose sealed origins cover it; each guarded by the boundary.
   */
  private Map<CredentialId, OpenedCredential> byName(Destination origin) {
    return boundByOrigin.computeIfAbsent(origin.origin(), key -> lookUpByName(origin));
  }

  private Map<CredentialId, OpenedCredential> lookUpByName(Destination origin) {
    Map<CredentialId, OpenedCredential> bound = new LinkedHashMap<>();
    index.ifPresent(i -> bound.putAll(i.boundTo(origin)));
    usable.forEach(
        (name, credential) -> {
          if (credential.allows(origin)) {
            bound.putIfAbsent(new CredentialId(tenant, name), credential);
          }
        });
    bound.values().forEach(boundary::guard);
    return Map.copyOf(bound);
  }

  /** One hop's origin and server: another name for the server is another key, as it may add. */
  private record HopKey(String origin, Server server) {}
}
