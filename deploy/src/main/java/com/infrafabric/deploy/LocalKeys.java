package com.infrafabric.deploy;

import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The token setup of a local launch that names no JWKS file: an ES256 signing key created once
 * under {@code <data>/keys}, and operator tokens written (mode 0600, never printed) under {@code
 * <data>/tokens} so that a newcomer can call the API at once. Production sets {@code auth.jwksFile}
 * to its own issuer's keys and none of this happens.
 */
final class LocalKeys {

  static final String ISSUER = "infrafabric-local";
  static final String AUDIENCE = "infrafabric";
  static final Duration OPERATOR_TOKEN_TTL = Duration.ofHours(12);

  private final Path privateFile;
  private final Path publicFile;
  private final Path tokens;

  private LocalKeys(Path dataDirectory) {
    this.privateFile = dataDirectory.resolve("keys/signing-private.json");
    this.publicFile = dataDirectory.resolve("keys/jwks.json");
    this.tokens = dataDirectory.resolve("tokens");
  }

  /** Creates the key pair on first use; later launches reuse it. */
  static LocalKeys ensure(Path dataDirectory) {
    LocalKeys keys = new LocalKeys(dataDirectory);
    if (!Files.exists(keys.privateFile)) {
      createDirectory(keys.privateFile.getParent());
      SigningKeyPair.generate("ES256").write(keys.privateFile, keys.publicFile);
    }
    return keys;
  }

  /** The auth settings that make a service trust this key. */
  Map<String, String> authDefaults() {
    return Map.of(
        "auth.jwksFile", publicFile.toString(), "auth.issuer", ISSUER, "auth.audience", AUDIENCE);
  }

  Path privateFile() {
    return privateFile;
  }

  /** Mints a token and writes it to {@code <data>/tokens/<name>.jwt}; returns the file. */
  Path writeToken(String name, TokenSpec spec, Instant now) {
    createDirectory(tokens);
    Path file = tokens.resolve(name + ".jwt");
    String token = TokenMinter.load(privateFile).mint(spec, now);
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** A token spec for this key's issuer and audience. */
  static TokenSpec spec(String subject, String... roles) {
    return TokenSpec.of(subject, ISSUER, AUDIENCE, OPERATOR_TOKEN_TTL).withRoles(roles);
  }

  private static void createDirectory(Path directory) {
    try {
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
  }
}
