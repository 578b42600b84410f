package com.infrafabric.platform.auth;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a minted token says: who, which roles, optional scope and extra claims, for which issuer and
 * audience, for how long. Immutable; the {@code with...} methods return copies.
 *
 * @param subject the {@code sub} claim
 * @param issuer the {@code iss} claim
 * @param audience the {@code aud} claim
 * @param ttl how long the token is valid after it is minted
 * @param roles the {@code roles} claim
 * @param stringClaims extra string claims, e.g. {@code scope}
 * @param listClaims extra string-list claims
 */
public record TokenSpec(
    String subject,
    String issuer,
    String audience,
    Duration ttl,
    Set<String> roles,
    Map<String, String> stringClaims,
    Map<String, List<String>> listClaims) {

  public TokenSpec {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(ttl, "ttl");
    roles = Set.copyOf(roles);
    stringClaims = Map.copyOf(stringClaims);
    listClaims = Map.copyOf(listClaims);
  }

  public static TokenSpec of(String subject, String issuer, String audience, Duration ttl) {
    return new TokenSpec(subject, issuer, audience, ttl, Set.of(), Map.of(), Map.of());
  }

  public TokenSpec withRoles(String... roles) {
    return new TokenSpec(subject, issuer, audience, ttl, Set.of(roles), stringClaims, listClaims);
  }

  public TokenSpec withTtl(Duration ttl) {
    return new TokenSpec(subject, issuer, audience, ttl, roles, stringClaims, listClaims);
  }

  public TokenSpec withAudience(String audience) {
    return new TokenSpec(subject, issuer, audience, ttl, roles, stringClaims, listClaims);
  }

  public TokenSpec withIssuer(String issuer) {
    return new TokenSpec(subject, issuer, audience, ttl, roles, stringClaims, listClaims);
  }

  public TokenSpec withScope(String scope) {
    return withClaim("scope", scope);
  }

  public TokenSpec withClaim(String name, String value) {
    Map<String, String> copy = new HashMap<>(stringClaims);
    copy.put(name, value);
    return new TokenSpec(subject, issuer, audience, ttl, roles, copy, listClaims);
  }

  /** A copy with all of {@code claims} added: one copy however many claims, not one per claim. */
  public TokenSpec withClaims(Map<String, String> claims) {
    Map<String, String> copy = new HashMap<>(stringClaims);
    copy.putAll(claims);
    return new TokenSpec(subject, issuer, audience, ttl, roles, copy, listClaims);
  }

  /** A copy with all of {@code claims} added, as {@link #withClaims} for list claims. */
  public TokenSpec withListClaims(Map<String, List<String>> claims) {
    Map<String, List<String>> copy = new HashMap<>(listClaims);
    claims.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return new TokenSpec(subject, issuer, audience, ttl, roles, stringClaims, copy);
  }

  public TokenSpec withListClaim(String name, List<String> values) {
    Map<String, List<String>> copy = new HashMap<>(listClaims);
    copy.put(name, List.copyOf(values));
    return new TokenSpec(subject, issuer, audience, ttl, roles, stringClaims, copy);
  }

  public Optional<String> scope() {
    return Optional.ofNullable(stringClaims.get("scope"));
  }
}
