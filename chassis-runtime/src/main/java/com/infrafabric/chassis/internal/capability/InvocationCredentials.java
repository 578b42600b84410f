package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tenant credentials one invocation may use (named by both its tool's contract and its grant),
 * opened together at its first HTTP request, and what follows from them for every answer it gets:
 * their secrets are guarded by the invocation's boundary from then on, so even an answer to a
 * request without a credential comes back redacted; and an answer from an origin one of them allows
 * follows the strictest of their {@link ResponsePolicy response policies}, is never compressed nor
 * in a charset redaction cannot read, and a status-only credential's origins answer at most its
 * number of requests.
 *
 * <p>Touched by the invocation's guest thread only.
 */
final class InvocationCredentials {

  private final Map<String, OpenedCredential> byName;
  private final Map<String, Integer> statusRequests = new HashMap<>();

  private InvocationCredentials(Map<String, OpenedCredential> byName) {
    this.byName = byName;
  }

  /** The credentials {@code invocation} may use, opened, and guarded by its boundary. */
  static Future<InvocationCredentials> open(
      Invocation invocation, Collection<String> contract, Optional<CredentialStore> store) {
    Set<String> names = new TreeSet<>(contract);
    names.retainAll(invocation.grant().map(g -> g.credentials()).orElse(Set.of()));
    if (store.isEmpty() || names.isEmpty()) {
      return Future.succeededFuture(new InvocationCredentials(Map.of()));
    }
    CredentialOwner tenant = CredentialOwner.tenant(invocation.context().tenant());
    List<Future<Optional<OpenedCredential>>> opening =
        names.stream().map(name -> store.get().open(tenant, name)).toList();
    return Future.all(opening)
        .map(
            done -> {
              Map<String, OpenedCredential> opened = new HashMap<>();
              for (Future<Optional<OpenedCredential>> each : opening) {
                each.result()
                    .ifPresent(
                        credential -> {
                          invocation.boundary().guard(credential);
                          opened.put(credential.name(), credential);
                        });
              }
              return new InvocationCredentials(Map.copyOf(opened));
            });
  }

  /** The opened credential {@code name}; empty if the vault does not hold it for the tenant. */
  Optional<OpenedCredential> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** True if an answer from {@code origin} is one a credential of this invocation governs. */
  boolean governs(Destination origin) {
    return byName.values().stream().anyMatch(c -> c.allows(origin));
  }

  /** The strictest policy of the credentials allowing {@code origin}; full if none does. */
  ResponsePolicy policy(Destination origin) {
    return byName.values().stream()
        .filter(c -> c.allows(origin))
        .map(OpenedCredential::response)
        .reduce(ResponsePolicy.full(), ResponsePolicy::stricter);
  }

  /**
   * Counts one request to {@code origin} against every status-only credential allowing it; false,
   * counting nothing, if one of them has no request left.
   */
  boolean takeStatusRequest(Destination origin) {
    List<OpenedCredential> limited =
        byName.values().stream()
            .filter(c -> c.allows(origin) && c.response() instanceof ResponsePolicy.StatusOnly)
            .toList();
    for (OpenedCredential credential : limited) {
      int max = ((ResponsePolicy.StatusOnly) credential.response()).maxRequests();
      if (statusRequests.getOrDefault(credential.name(), 0) >= max) {
        return false;
      }
    }
    limited.forEach(c -> statusRequests.merge(c.name(), 1, Integer::sum));
    return true;
  }
}
