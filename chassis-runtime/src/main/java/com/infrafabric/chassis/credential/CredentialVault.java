package com.infrafabric.chassis.credential;

import com.infrafabric.chassis.InvalidCredentialException;
import com.infrafabric.llm.vault.CredentialInfo;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.MasterKeys;
import io.vertx.core.Future;
import java.util.List;

/**
 * Named credentials, each bound to its {@link CredentialOwner} (a tenant, or the operator), sealed
 * in Redis under the {@link MasterKeys}. Write-only: no method returns a secret. A tenant's secret
 * is opened only inside the host, when a tool invoked for that tenant names the credential and the
 * tenant's grant allows it; the operator's only for the host's model provider calls. Only its
 * header leaves the host, towards the credential's allowed origins.
 *
 * <p>Obtained from {@code Chassis.credentials()}. Every method returns a Vert.x future and never
 * blocks; a Redis outage fails it with {@code RedisUnavailableException}. Thread-safe.
 */
public interface CredentialVault {

  /**
   * Seals and stores {@code credential}, replacing one of the same name.
   *
   * @return what was stored, without the secret; fails with {@link InvalidCredentialException}
   *     naming the first invalid field
   */
  Future<CredentialInfo> put(NewCredential credential);

  /**
   * Deletes {@code owner}'s credential; true if it existed. Requests naming it fail from then on.
   */
  Future<Boolean> delete(CredentialOwner owner, String name);

  /** Every credential of {@code owner}, without secrets, sorted by name. */
  Future<List<CredentialInfo>> list(CredentialOwner owner);

  /**
   * Seals every credential (of every owner) not sealed under the current master key again under it.
   * Safe to run while credentials are being put: a credential replaced meanwhile is left as its
   * writer sealed it.
   */
  Future<ResealReport> reseal();
}
