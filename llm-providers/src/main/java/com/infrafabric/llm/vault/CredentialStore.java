package com.infrafabric.llm.vault;

import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of the vault: opens a credential for the injection path, and nothing else. It is
 * never handed to an API caller; what it opens goes into one outbound header and into the {@link
 * GuestBoundary} of the invocation it was opened for.
 */
public final class CredentialStore {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);

  private final SealedCredentials sealed;
  private final MasterKeys keys;

  /** The Lua scripts the vault runs. */
  public static List<LuaScript> scripts() {
    return List.of(SealedCredentials.SWAP);
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
    return sealed.get(id).map(stored -> stored.flatMap(s -> open(id, s)));
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
