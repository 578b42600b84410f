package com.infrafabric.platform.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request, as proven by a verified token: the subject, its roles, and the other string
 * and string-list claims the token carried. Immutable.
 *
 * <p>Roles are plain strings each service chooses (the governor uses {@code admin}, {@code agent},
 * {@code auditor}; the chassis {@code publisher}, {@code operator}, {@code agent}).
 *
 * @param subject the {@code sub} claim, never blank
 * @param roles the roles claim; empty if the token had none
 * @param stringClaims every other claim whose value is a string, by name (includes {@code scope})
 * @param listClaims every other claim whose value is a list, by name, each item as text
 * @param expiresAt the instant from which the token that proves it is refused as expired (its
 *     {@code exp}, widened by the clock skew the verifier allows), so that what outlives one
 *     request (a notification stream) ends with it; empty for a principal no expiring token proves
 */
public record Principal(
    String subject,
    Set<String> roles,
    Map<String, String> stringClaims,
    Map<String, List<String>> listClaims,
    Optional<Instant> expiresAt) {

  /** The claim naming the scope subtree a tenant token is confined to. */
  public static final String SCOPE = "scope";

  public Principal {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be blank");
    }
    roles = Set.copyOf(roles);
    stringClaims = Map.copyOf(stringClaims);
    listClaims = Map.copyOf(listClaims);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A principal no expiring token proves, such as a gateway's virtual key. */
  public Principal(
      String subject,
      Set<String> roles,
      Map<String, String> stringClaims,
      Map<String, List<String>> listClaims) {
    this(subject, roles, stringClaims, listClaims, Optional.empty());
  }

  /** A principal with roles and no other claims. */
  public static Principal of(String subject, Set<String> roles) {
    return new Principal(subject, roles, Map.of(), Map.of());
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** The OAuth-style {@code scope} claim, if the token had one. */
  public Optional<String> scope() {
    return stringClaim(SCOPE);
  }

  /**
   * True for a tenant token, one whose {@code scope} claim confines it to a subtree (even a claim
   * that names no valid scope: such a token is confined to nothing); false for a platform token.
   * See {@link Access}.
   */
  public boolean confined() {
    return stringClaims.containsKey(SCOPE);
  }

  public Optional<String> stringClaim(String name) {
    return Optional.ofNullable(stringClaims.get(name));
  }

  /** The named list claim, or an empty list if the token did not carry it. */
  public List<String> stringListClaim(String name) {
    return listClaim(name).orElse(List.of());
  }

  /** The named list claim if the token carried it as a list (perhaps empty). */
  public Optional<List<String>> listClaim(String name) {
    return Optional.ofNullable(listClaims.get(name));
  }
}
