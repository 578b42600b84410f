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
 * The key setup of a local launch that names no JWKS file: an ES256 operator key (signs bearer
 * tokens and agent contracts), a contract publisher key and the governor's grant key, each created
 * once under {@code <data>/keys}, and operator tokens written (mode 0600, never printed) under
 * {@code <data>/tokens} so that a newcomer can call both APIs and publish a tool at once.
 * Production sets {@code auth.jwksFile} to its own issuer's keys and {@code
 * chassis.publishers.jwksFile} to its publishers' keys, and none of this happens.
 */
final class LocalKeys {

  static final String ISSUER = "infrafabric-local";
  static final String AUDIENCE = "infrafabric";
  static final Duration OPERATOR_TOKEN_TTL = Duration.ofHours(12);

  private final Path privateFile;
  private final Path publicFile;
  private final Path publisherPrivateFile;
  private final Path publishersFile;
  private final Path grantPrivateFile;
  private final Path grantsFile;
  private final Path tokens;

  private LocalKeys(Path dataDirectory) {
    this.privateFile = dataDirectory.resolve("keys/signing-private.json");
    this.publicFile = dataDirectory.resolve("keys/jwks.json");
    this.publisherPrivateFile = dataDirectory.resolve("keys/publisher-private.json");
    this.publishersFile = dataDirectory.resolve("keys/publishers-jwks.json");
    this.grantPrivateFile = dataDirectory.resolve("keys/grant-private.json");
    this.grantsFile = dataDirectory.resolve("keys/grant-jwks.json");
    this.tokens = dataDirectory.resolve("tokens");
  }

  /** Creates the key pairs on first use; later launches reuse them. */
  static LocalKeys ensure(Path dataDirectory) {
    LocalKeys keys = new LocalKeys(dataDirectory);
    createDirectory(keys.privateFile.getParent());
    ensurePair(keys.privateFile, keys.publicFile);
    ensurePair(keys.publisherPrivateFile, keys.publishersFile);
    ensurePair(keys.grantPrivateFile, keys.grantsFile);
    return keys;
  }

  private static void ensurePair(Path privateFile, Path publicFile) {
    if (!Files.exists(privateFile)) {
      SigningKeyPair.generate("ES256").write(privateFile, publicFile);
    }
  }

  /** The settings that make both services trust these keys: tokens, contracts and grants. */
  Map<String, String> defaults() {
    return Map.of(
        "auth.jwksFile", publicFile.toString(),
        "auth.issuer", ISSUER,
        "auth.audience", AUDIENCE,
        "chassis.publishers.jwksFile", publishersFile.toString(),
        "contracts.jwksFile", publicFile.toString(),
        "contracts.issuer", ISSUER,
        "grants.keyFile", grantPrivateFile.toString());
  }

  /** The governor's public grant keys, which the chassis verifies grants with. */
  Path grantsFile() {
    return grantsFile;
  }

  /** The private key that signs tokens. */
  Path privateFile() {
    return privateFile;
  }

  /** The private key that signs tool contracts. */
  Path publisherPrivateFile() {
    return publisherPrivateFile;
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
