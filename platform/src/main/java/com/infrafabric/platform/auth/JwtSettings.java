package com.infrafabric.platform.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How bearer tokens are verified.
 *
 * @param jwksFile the operator's public JWK set; re-read when it changes
 * @param issuer the only accepted {@code iss}
 * @param audience the {@code aud} value a token must contain
 * @param algorithm the only accepted {@code alg}: {@code ES256}, {@code ES384} or {@code ES512};
 *     fixed by configuration so a token cannot choose how it is checked
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}, 0..5 minutes
 * @param jwksRefresh how often the file is checked for changes, 1 second..1 hour
 * @param rolesClaim the claim holding the list of roles, {@code roles} by default
 * @param maxLifetime the longest a token may live, from its {@code iat} (or from now, when it has
 *     none) to its {@code exp}, 1 minute..366 days: a stolen or forgotten token of a key that is
 *     still trusted is good for at most that long, whatever lifetime it was minted with
 */
public record JwtSettings(
    Path jwksFile,
    String issuer,
    String audience,
    String algorithm,
    Duration clockSkew,
    Duration jwksRefresh,
    String rolesClaim,
    Duration maxLifetime) {

  public static final List<String> ALGORITHMS = List.of("ES256", "ES384", "ES512");
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofSeconds(60);
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

  /** The longest {@code auth.maxTokenLifetime} a service may be configured with. */
  public static final Duration LONGEST_MAX_LIFETIME = Duration.ofDays(366);

  private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  public JwtSettings {
    Objects.requireNonNull(jwksFile, "jwksFile");
    requireText("auth.issuer", issuer);
    requireText("auth.audience", audience);
    requireText("auth.rolesClaim", rolesClaim);
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "auth.algorithm " + algorithm + " is not allowed; use one of " + ALGORITHMS);
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException(
          "auth.clockSkew " + clockSkew.toSeconds() + " s is outside 0..300 s");
    }
    if (jwksRefresh.compareTo(Duration.ofSeconds(1)) < 0
        || jwksRefresh.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "auth.jwksRefresh " + jwksRefresh.toMillis() + " ms is outside 1 s..1 h");
    }
    if (maxLifetime.compareTo(Duration.ofMinutes(1)) < 0
        || maxLifetime.compareTo(LONGEST_MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "auth.maxTokenLifetime " + maxLifetime.toSeconds() + " s is outside 1 min..366 d");
    }
  }

  /** ES256 with the default skew, refresh interval, roles claim and longest lifetime. */
  public static JwtSettings of(Path jwksFile, String issuer, String audience) {
    return new JwtSettings(
        jwksFile,
        issuer,
        audience,
        "ES256",
        DEFAULT_CLOCK_SKEW,
        DEFAULT_JWKS_REFRESH,
        "roles",
        DEFAULT_MAX_LIFETIME);
  }

  /** These settings with another longest lifetime. */
  public JwtSettings withMaxLifetime(Duration lifetime) {
    return new JwtSettings(
        jwksFile, issuer, audience, algorithm, clockSkew, jwksRefresh, rolesClaim, lifetime);
  }

  private static void requireText(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " must not be blank");
    }
  }
}
