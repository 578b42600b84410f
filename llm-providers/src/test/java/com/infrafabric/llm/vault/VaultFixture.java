package com.infrafabric.llm.vault;

import com.infrafabric.platform.redis.RedisStore;
import java.time.Instant;
import java.util.List;

/**
 * Puts an operator credential into the vault the way the chassis's admin vault seals it, for tests
 * of a service that only opens credentials (the governor's gateway).
 */
public final class VaultFixture {

  private VaultFixture() {}

  /**
   * Seals {@code secret} as operator credential {@code name}, sent in {@code header} after {@code
   * scheme} (empty for none) to {@code origin} only.
   */
  public static void putOperatorKey(
      RedisStore redis,
      MasterKeys keys,
      String name,
      String secret,
      String origin,
      String header,
      String scheme) {
    CredentialId id = new CredentialId(CredentialOwner.operator(), name);
    CredentialPayload payload =
        new CredentialPayload(secret, List.of(origin), header, scheme, ResponsePolicy.full());
    StoredCredential stored =
        new StoredCredential(
            keys.seal(payload.encode(), id.field()),
            new CredentialInfo(
                id.owner(),
                name,
                payload.allow(),
                payload.header(),
                payload.scheme(),
                payload.response(),
                keys.currentKeyId(),
                Instant.EPOCH));
    new SealedCredentials(redis).put(id, stored).await();
  }
}
