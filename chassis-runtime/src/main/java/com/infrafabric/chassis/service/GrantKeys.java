package com.infrafabric.chassis.service;

import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.config.Config;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Optional;

/**
 * Reads how grants from the governor are verified:
 *
 * <pre>
 * chassis.grants.jwksFile    the governor's public grant keys (its grants.keyFile's public half)
 * chassis.grants.issuer      infrafabric-governor (the governor's grants.issuer default)
 * chassis.grants.audience    infrafabric-chassis (the governor's grants.audience default)
 * </pre>
 *
 * Without the file every grant is refused, so only tools that need no grant run. The file is
 * checked at start (readable, a JWK set of public keys) and re-read by the verifier when it
 * changes, so the governor's key can be rotated without a restart.
 */
final class GrantKeys {

  static final String JWKS_FILE = "chassis.grants.jwksFile";
  static final String DEFAULT_ISSUER = "infrafabric-governor";
  static final String DEFAULT_AUDIENCE = "infrafabric-chassis";

  private GrantKeys() {}

  static Optional<JwtSettings> read(Config config) {
    String issuer = config.string("chassis.grants.issuer", DEFAULT_ISSUER);
    String audience = config.string("chassis.grants.audience", DEFAULT_AUDIENCE);
    return config
        .optional(JWKS_FILE)
        .map(Path::of)
        .map(file -> JwtSettings.of(checked(file), issuer, audience));
  }

  private static Path checked(Path file) {
    JWKSet keys;
    try {
      keys = JWKSet.parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(JWKS_FILE + " " + file + " cannot be read");
    } catch (ParseException e) {
      throw new IllegalArgumentException(JWKS_FILE + " " + file + " is not a JWK set");
    }
    if (keys.getKeys().isEmpty()) {
      throw new IllegalArgumentException(JWKS_FILE + " " + file + " holds no key");
    }
    for (JWK key : keys.getKeys()) {
      if (key.isPrivate()) {
        throw new IllegalArgumentException(
            JWKS_FILE + " " + file + " holds a private key; give the chassis the public set only");
      }
    }
    return file;
  }
}
