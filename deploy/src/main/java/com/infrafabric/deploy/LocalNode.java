package com.infrafabric.deploy;

import com.infrafabric.platform.redis.RedisStore;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Which local-mode node a Redis belongs to: the thumbprint of the keys it made for itself (its
 * token signing keys and its vault's key ids) and the directory it archives the ledger into. A
 * local node keeps both on its own disk, so two of them on one Redis split it: each seals
 * credentials under keys the other cannot open, and each archives and trims the one ledger into its
 * own directory, leaving the other's reconciliation short. The first local node to start on a Redis
 * records itself there ({@link #claim}); another is refused, and the same node starting again is
 * accepted.
 *
 * @param keys hex SHA-256 (first 16 digits) of the public signing keys and the vault's key ids
 * @param archive the absolute directory the ledger is archived into, or {@code none}
 */
record LocalNode(String keys, String archive) {

  /** The Redis key holding the identity of the local node that owns the database. */
  static final String KEY = "if:local-node";

  /**
   * @param signingKeys the public key set the node's tokens and contracts are verified with
   * @param vaultKeyIds the ids of the keys its vault seals and opens with (none without a vault)
   * @param archive where it archives the ledger; empty if it does not
   */
  static LocalNode of(Path signingKeys, List<String> vaultKeyIds, Optional<Path> archive) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(Files.readAllBytes(signingKeys));
      sha256.update(String.join("\n", vaultKeyIds).getBytes(StandardCharsets.UTF_8));
      String digest = HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
      return new LocalNode(
          digest, archive.map(a -> a.toAbsolutePath().normalize().toString()).orElse("none"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + signingKeys, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Records this node as the owner of {@code store}'s database unless a node is recorded already,
   * in one step ({@code SET NX GET}), so that of two nodes starting at once exactly one wins.
   *
   * @throws IllegalStateException naming the other node and the ways out, if another owns it
   */
  void claim(RedisStore store) {
    String mine = text();
    Response owner =
        store.send(KEY, Request.cmd(Command.SET).arg(KEY).arg(mine).arg("NX").arg("GET")).await();
    if (owner != null && !owner.toString().equals(mine)) {
      throw new IllegalStateException(
          "this Redis database is already used by another local-mode node ("
              + owner
              + "); two nodes with their own keys and ledger archives would split its vault and"
              + " ledger: give this node its own Redis (or database), or run every node with"
              + " shared keys (auth.jwksFile) and one shared ledger.archive.directory"
              + " (README, Local mode on an external Redis)");
    }
  }

  /** How the record reads in Redis and in a refusal: both parts, the archive naming the node. */
  String text() {
    return "keys=" + keys + " archive=" + archive;
  }
}
