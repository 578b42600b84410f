package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.llm.destination.Destination;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the vault means for one invocation's HTTP requests, read at its first one: the tenant
 * credentials it may use (named by both its tool's contract and its grant), guarded by its boundary
 * from then on; and, for each origin it asks, the credentials bound to that origin, of any tenant
 * or the operator, whether or not this invocation may use them. What protects a secret follows the
 * origin it may be sent to: an answer from such an origin, to a request with or without a
 * credential, from any tool of any tenant, comes back with every secret bound to the origin
 * redacted and follows the strictest of their {@link ResponsePolicy response policies}, is never
 * compressed nor in a charset redaction cannot read, and a status-only credential's origins answer
 * at most its number of requests, and only to invocations that may use one ({@link #withholds}). An
 * origin that was sent a secret cannot hand it back to anyone.
 *
 * <p>The vault is read once per invocation ({@link CredentialStore#index()}: one Redis read while
 * no credential changes), so a credential put or deleted applies from the next invocation on.
 * Touched by the invocation's guest thread only.
 */
final class InvocationCredentials {

  private final CredentialOwner tenant;
  private final Map<String, OpenedCredential> usable;
  private final Optional<CredentialIndex> index;
  private final GuestBoundary boundary;
  private final Map<String, Map<CredentialId, OpenedCredential>> boundByOrigin = new HashMap<>();
  private final Map<CredentialId, Integer> statusRequests = new HashMap<>();

  private InvocationCredentials(
      CredentialOwner tenant,
      Map<String, OpenedCredential> usable,
      Optional<CredentialIndex> index,
      GuestBoundary boundary) {
    this.tenant = tenant;
    this.usable = usable;
    this.index = index;
    this.boundary = boundary;
  }

  /**
   * The vault as {@code invocation} sees it: the credentials it may use opened and guarded by its
   * boundary, and the index of every credential by origin. Without a vault, nothing is bound.
   */
  static Future<InvocationCredentials> open(
      Invocation invocation, Collection<String> contract, Optional<CredentialStore> store) {
    CredentialOwner tenant = CredentialOwner.tenant(invocation.context().tenant());
    if (store.isEmpty()) {
      return Future.succeededFuture(
          new InvocationCredentials(tenant, Map.of(), Optional.empty(), invocation.boundary()));
    }
    Set<String> names = new TreeSet<>(contract);
    names.retainAll(invocation.grant().map(g -> g.credentials()).orElse(Set.of()));
    return store.get().index().map(index -> opened(tenant, names, index, invocation.boundary()));
  }

  private static InvocationCredentials opened(
      CredentialOwner tenant, Set<String> names, CredentialIndex index, GuestBoundary boundary) {
    Map<String, OpenedCredential> usable = new HashMap<>();
    for (String name : names) {
      index
          .open(new CredentialId(tenant, name))
          .ifPresent(
              credential -> {
                boundary.guard(credential);
                usable.put(name, credential);
              });
    }
    return new InvocationCredentials(tenant, Map.copyOf(usable), Optional.of(index), boundary);
  }

  /** The usable credential {@code name}; empty if the vault does not hold it for the tenant. */
  Optional<OpenedCredential> named(String name) {
    return Optional.ofNullable(usable.get(name));
  }

  /** True if an answer from {@code origin} is one a credential bound to it governs. */
  boolean governs(Destination origin) {
    return !bound(origin).isEmpty();
  }

  /** The strictest policy of the credentials bound to {@code origin}; full if none is. */
  ResponsePolicy policy(Destination origin) {
    return bound(origin).values().stream()
        .map(OpenedCredential::response)
        .reduce(ResponsePolicy.full(), ResponsePolicy::stricter);
  }

  /**
   * True if status-only credentials are bound to {@code origin} and this invocation may use none of
   * them: such an origin answers only invocations under a grant for one, since even its status
   * classes, read by invocations no grant limits in number, would spell out a secret it stored a
   * few bits at a time.
   */
  boolean withholds(Destination origin) {
    List<CredentialId> statusOnly =
        bound(origin).entrySet().stream()
            .filter(e -> e.getValue().response() instanceof ResponsePolicy.StatusOnly)
            .map(Map.Entry::getKey)
            .toList();
    return !statusOnly.isEmpty() && statusOnly.stream().noneMatch(this::usable);
  }

  private boolean usable(CredentialId id) {
    return id.owner().equals(tenant) && usable.containsKey(id.name());
  }

  /**
   * Counts one request to {@code origin} against every status-only credential bound to it; false,
   * counting nothing, if one of them has no request left.
   */
  boolean takeStatusRequest(Destination origin) {
    List<Map.Entry<CredentialId, OpenedCredential>> limited =
        bound(origin).entrySet().stream()
            .filter(e -> e.getValue().response() instanceof ResponsePolicy.StatusOnly)
            .toList();
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
   * The credentials that may be sent to {@code origin}: those the index binds to it, and the usable
   * ones whose sealed origins cover it; each guarded by the boundary from the first time its origin
   * is asked, before any answer from it is read.
   */
  private Map<CredentialId, OpenedCredential> bound(Destination origin) {
    return boundByOrigin.computeIfAbsent(origin.origin(), key -> lookUp(origin));
  }

  private Map<CredentialId, OpenedCredential> lookUp(Destination origin) {
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
}
