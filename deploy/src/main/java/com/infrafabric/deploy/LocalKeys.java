package com.infrafabric.deploy;

import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The key setup of a local launch that names no JWKS file: an ES256 operator key (signs bearer
 * tokens and agent contracts), a contract publisher key, the governor's grant key (the chassis
 * verifies grants with its public half) and the vault's master key (mode 0600), each created once
 * under {@code <data>/keys}, and operator tokens written (mode 0600, never printed) under {@code
 * <data>/tokens} so that a newcomer can call both APIs, publish a tool and store a credential at
 * once. Production sets {@code auth.jwksFile} to its own issuer's keys and the other key settings
 * to its own files, and none of this happens.
 */
final class LocalKeys {

  static final String ISSUER = "infrafabric-local";
  static final String AUDIENCE = "infrafabric";
  static final Duration OPERATOR_TOKEN_TTL = Duration.ofHours(12);
  static final Duration CHASSIS_TOKEN_TTL = Duration.ofHours(1);
  private static final String VAULT_KEYS_VARIABLE = "IF_CHASSIS_VAULT_MASTER_KEYS";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path privateFile;
  private final Path publicFile;
  private final Path publisherPrivateFile;
  private final Path publishersFile;
  private final Path grantPrivateFile;
  private final Path grantsFile;
  private final Path vaultKeysFile;
  private final Path tokens;
  private final Path ledgerArchive;

  private LocalKeys(Path dataDirectory) {
    this.privateFile = dataDirectory.resolve("keys/signing-private.json");
    this.publicFile = dataDirectory.resolve("keys/jwks.json");
    this.publisherPrivateFile = dataDirectory.resolve("keys/publisher-private.json");
    this.publishersFile = dataDirectory.resolve("keys/publishers-jwks.json");
    this.grantPrivateFile = dataDirectory.resolve("keys/grant-private.json");
    this.grantsFile = dataDirectory.resolve("keys/grant-jwks.json");
    this.vaultKeysFile = dataDirectory.resolve("keys/vault-master.json");
    this.tokens = dataDirectory.resolve("tokens");
    this.ledgerArchive = dataDirectory.resolve("ledger-archive");
  }

  /** Creates the key pairs on first use; later launches reuse them. */
  static LocalKeys ensure(Path dataDirectory) {
    LocalKeys keys = new LocalKeys(dataDirectory);
    createDirectory(keys.privateFile.getParent());
    ensurePair(keys.privateFile, keys.publicFile);
    ensurePair(keys.publisherPrivateFile, keys.publishersFile);
    ensurePair(keys.grantPrivateFile, keys.grantsFile);
    if (!Files.exists(keys.vaultKeysFile)) {
      writeOwnerOnly(keys.vaultKeysFile, MasterKeys.generateJwks(newVaultKeyId()));
    }
    return keys;
  }

  /**
   * A key id no other generated vault key has: a credential names the key that sealed it, and two
   * nodes that each sealed under one fixed id ({@code local-1}) with different keys listed each
   * other's credentials as theirs and failed to open them.
   */
  private static String newVaultKeyId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return "local-" + HexFormat.of().formatHex(id);
  }

  /**
   * A new pair unless the private key exists. A public set left without its private key is stale
   * (nothing can sign for it any more) and is replaced.
   */
  private static void ensurePair(Path privateFile, Path publicFile) {
    if (!Files.exists(privateFile)) {
      try {
        Files.deleteIfExists(publicFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot replace " + publicFile, e);
      }
      SigningKeyPair.generate("ES256").write(privateFile, publicFile);
    }
  }

  /**
   * The settings that make both services use these keys: tokens, contracts, grants and, unless
   * {@code env} gives the vault's keys itself ({@code IF_CHASSIS_VAULT_MASTER_KEYS}), the vault.
   */
  Map<String, String> defaults(Map<String, String> env) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("auth.jwksFile", publicFile.toString());
    defaults.put("auth.issuer", ISSUER);
    defaults.put("auth.audience", AUDIENCE);
    defaults.put("chassis.publishers.jwksFile", publishersFile.toString());
    defaults.put("contracts.jwksFile", publicFile.toString());
    defaults.put("contracts.issuer", ISSUER);
    defaults.put("grants.keyFile", grantPrivateFile.toString());
    defaults.put("chassis.grants.jwksFile", grantsFile.toString());
    // One node, one volume: the ledger's old entries move out of Redis here (README: "Ledger
    // archive"); without it the stream would keep every entry for good.
    defaults.put("ledger.archive.directory", ledgerArchive.toString());
    if (!env.containsKey(VAULT_KEYS_VARIABLE)) {
      defaults.put("chassis.vault.masterKeysFile", vaultKeysFile.toString());
    }
    return Map.copyOf(defaults);
  }

  /** The governor's public grant keys, which the chassis verifies grants with. */
  Path grantsFile() {
    return grantsFile;
  }

  /** The public key set tokens and contracts are verified with. */
  Path publicFile() {
    return publicFile;
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
    writeOwnerOnly(file, TokenMinter.load(privateFile).mint(spec, now));
    return file;
  }

  /**
   * The chassis's token for the governor's reservation routes, renewed before it expires: role
   * {@code chassis}, which may reserve on any scope a grant names.
   */
  RenewingToken chassisToken(Clock clock) {
    return new RenewingToken(
        TokenMinter.load(privateFile),
        TokenSpec.of("local-chassis", ISSUER, AUDIENCE, CHASSIS_TOKEN_TTL).withRoles("chassis"),
        clock);
  }

  private static void writeOwnerOnly(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
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
