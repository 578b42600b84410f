package com.infrafabric.llm.vault;

import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of the vault: opens a credential for the injection path and for redaction, and
 * nothing else. It is never handed to an API caller; what it opens goes into one outbound header
 * and into the {@code GuestBoundary} of an invocation that may use it or that asks an origin it may
 * be sent to ({@link #index()}).
 *
 * <p>Every {@link #open} reads the stored credential from Redis, so a credential deleted or
 * replaced is gone for the next call, on every node. What is kept is only the work of opening it
 * (decoding the stored JSON and its timestamp, the JWE's AES-GCM decryption, the payload's
 * parsing), which was most of a gateway call's own CPU: the last opening of each credential, reused
 * while Redis still holds the very value, byte for byte, it came from. At most {@link #MAX_KEPT}
 * credentials are kept opened; beyond that they are opened on each use. Thread-safe.
 */
public final class CredentialStore {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);

  /**
   * The most credentials kept opened: the operator's provider keys and the tenants' busiest ones
   * fit; the plaintext of an unbounded number of credentials does not stay in memory.
   */
  static final int MAX_KEPT = 256;

  private final SealedCredentials sealed;
  private final MasterKeys keys;
  private final ConcurrentMap<CredentialId, Opening> kept = new ConcurrentHashMap<>();

  /**
   * The last index read; null until the first, as the hash may hold credentials at no generation.
   */
  private final AtomicReference<CredentialIndex> index = new AtomicReference<>();

  /** A credential opened from the stored value {@code encoded}. */
  private record Opening(String encoded, OpenedCredential credential) {}

  /** The Lua scripts the vault runs. */
  public static List<LuaScript> scripts() {
    return List.of(SealedCredentials.CHANGE);
  }

  public CredentialStore(RedisStore redis, MasterKeys keys) {
    this.sealed = new SealedCredentials(redis);
    this.keys = keys;
  }

  public SealedCredentials sealed() {
    return sealed;
  }

  /**
   * {@code owner}'s credential {@code name}, opened; empty if it is not stored. A stored value no
   * master key opens is logged (by name) and treated as absent.
   */
  public Future<Optional<OpenedCredential>> open(CredentialOwner owner, String name) {
    CredentialId id = new CredentialId(owner, name);
    return sealed.encoded(id).map(stored -> stored.flatMap(encoded -> opened(id, encoded)));
  }

  /**
   * The vault's credentials indexed by origin, as stored now: one read of the generation, and the
   * whole hash read again only when a credential was put, deleted or resealed since this node last
   * read it, on any node. The generation is read before the hash, so an index is never labelled
   * newer than what it holds.
   */
  public Future<CredentialIndex> index() {
    return sealed
        .generation()
        .compose(
            generation -> {
              CredentialIndex last = index.get();
              if (last != null && last.generation().equals(generation)) {
                return Future.succeededFuture(last);
              }
              return sealed.all().map(fields -> indexed(generation, fields));
            });
  }

  private CredentialIndex indexed(String generation, Map<String, String> fields) {
    CredentialIndex fresh = CredentialIndex.of(generation, fields, this::opened);
    index.set(fresh);
    return fresh;
  }

  /** The kept opening of {@code encoded} if it is of this very stored value, else a new one. */
  private Optional<OpenedCredential> opened(CredentialId id, String encoded) {
    Opening last = kept.get(id);
    if (last != null && last.encoded().equals(encoded)) {
      return Optional.of(last.credential());
    }
    Optional<OpenedCredential> opened = open(id, StoredCredential.decode(id, encoded));
    if (opened.isPresent() && (last != null || kept.size() < MAX_KEPT)) {
      kept.put(id, new Opening(encoded, opened.get()));
    } else if (last != null) {
      kept.remove(id, last);
    }
    return opened;
  }

  private Optional<OpenedCredential> open(CredentialId id, StoredCredential stored) {
    Optional<byte[]> plaintext = keys.open(stored.sealed(), id.field());
    if (plaintext.isEmpty()) {
      LOG.atWarn()
          .addKeyValue("credential", id.field())
          .log("credential {} cannot be opened with the configured master keys", id.field());
      return Optional.empty();
    }
    CredentialPayload payload = CredentialPayload.decode(plaintext.get());
    return Optional.of(
        new OpenedCredential(
            id.name(),
            payload.allow().stream().map(DestinationPattern::parse).toList(),
            payload.header(),
            payload.headerValue(),
            payload.secret(),
            payload.response()));
  }
}
