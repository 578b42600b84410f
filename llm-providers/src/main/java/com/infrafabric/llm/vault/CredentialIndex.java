package com.infrafabric.llm.vault;

import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The vault's credentials, of every owner, as stored at one {@linkplain #generation() generation},
 * indexed by the origins they may be sent to: what protects a secret follows the origin it goes to,
 * whoever asks that origin, so a request looks up the credentials bound to its destination here. A
 * lookup reads one entry per pattern that can cover a destination (its exact origin, and one
 * wildcard per label of its host), whatever the number of credentials. A server reached under
 * another name may still be one of these origins: {@link #exactOrigins} lists the candidates a
 * caller compares the server's address with.
 *
 * <p>The index is built from each credential's plain copy of its origins ({@link
 * StoredCredential}), which only the vault writes; the credentials it hands out are opened from
 * their sealed values, so where a header is sent is still decided by the sealed copy only. Nothing
 * is opened until looked up, and then through the {@link CredentialStore}'s bounded cache of
 * openings. Immutable; thread-safe.
 */
public final class CredentialIndex {

  private final String generation;
  private final Map<CredentialId, String> encodedById;
  private final Map<String, List<CredentialId>> byPattern;
  private final Map<String, List<Destination>> exactByService;
  private final BiFunction<CredentialId, String, Optional<OpenedCredential>> opener;

  private CredentialIndex(
      String generation,
      Map<CredentialId, String> encodedById,
      Map<String, List<CredentialId>> byPattern,
      BiFunction<CredentialId, String, Optional<OpenedCredential>> opener) {
    this.generation = generation;
    this.encodedById = encodedById;
    this.byPattern = byPattern;
    this.exactByService = exactByService(byPattern.keySet());
    this.opener = opener;
  }

  /**
   * The index of {@code fields} (the hash as {@link SealedCredentials#all()} reads it; fields the
   * vault did not write are left out) at {@code generation}, opening credentials with {@code
   * opener} (a credential's identity and stored value to the credential, empty if no key opens it).
   */
  static CredentialIndex of(
      String generation,
      Map<String, String> fields,
      BiFunction<CredentialId, String, Optional<OpenedCredential>> opener) {
    Map<CredentialId, String> encodedById = new LinkedHashMap<>();
    Map<String, List<CredentialId>> byPattern = new HashMap<>();
    fields.forEach(
        (field, encoded) ->
            CredentialId.parse(field)
                .ifPresent(
                    id -> {
                      encodedById.put(id, encoded);
                      for (String allow : StoredCredential.decode(id, encoded).info().allow()) {
                        String pattern = DestinationPattern.parse(allow).toString();
                        byPattern.computeIfAbsent(pattern, p -> new ArrayList<>()).add(id);
                      }
                    }));
    byPattern.replaceAll((pattern, ids) -> List.copyOf(ids));
    return new CredentialIndex(generation, Map.copyOf(encodedById), Map.copyOf(byPattern), opener);
  }

  /** The generation of the vault this index was read at. */
  public String generation() {
    return generation;
  }

  /** The credential {@code id}, opened; empty if it was not stored or no master key opens it. */
  public Optional<OpenedCredential> open(CredentialId id) {
    return Optional.ofNullable(encodedById.get(id)).flatMap(encoded -> opener.apply(id, encoded));
  }

  /**
   * Every credential, of any owner, that may be sent to {@code destination}, opened, by identity.
   */
  public Map<CredentialId, OpenedCredential> boundTo(Destination destination) {
    Map<CredentialId, OpenedCredential> bound = new LinkedHashMap<>();
    for (String pattern : patternsCovering(destination)) {
      for (CredentialId id : byPattern.getOrDefault(pattern, List.of())) {
        open(id).ifPresent(credential -> bound.put(id, credential));
      }
    }
    return bound;
  }

  /**
   * The origins credentials are bound to by an exact pattern (no wildcard) on {@code scheme} and
   * {@code port}: those a server reached there under another name may be, if its address is theirs.
   */
  public List<Destination> exactOrigins(String scheme, int port) {
    return exactByService.getOrDefault(service(scheme, port), List.of());
  }

  private static Map<String, List<Destination>> exactByService(Set<String> patterns) {
    Map<String, List<Destination>> byService = new HashMap<>();
    for (String text : patterns) {
      DestinationPattern pattern = DestinationPattern.parse(text);
      if (!pattern.wildcard()) {
        byService
            .computeIfAbsent(service(pattern.scheme(), pattern.port()), s -> new ArrayList<>())
            .add(Destination.parse(text));
      }
    }
    byService.replaceAll((service, origins) -> List.copyOf(origins));
    return Map.copyOf(byService);
  }

  private static String service(String scheme, int port) {
    return scheme + ':' + port;
  }

  /**
   * The patterns, as {@link DestinationPattern#toString()} writes them, that can match {@code
   * destination}: its origin, and {@code *.} before each name its host ends with.
   */
  private static List<String> patternsCovering(Destination destination) {
    String prefix = destination.scheme() + "://";
    String suffix = ":" + destination.port();
    String host = destination.host();
    List<String> patterns = new ArrayList<>();
    patterns.add(prefix + host + suffix);
    for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      patterns.add(prefix + "*." + host.substring(dot + 1) + suffix);
    }
    return patterns;
  }
}
