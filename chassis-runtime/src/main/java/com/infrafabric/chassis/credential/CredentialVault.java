package com.infrafabric.chassis.credential;

import com.infrafabric.chassis.InvalidCredentialException;
import io.vertx.core.Future;
import java.util.List;

/**
 * The operator's named credentials, sealed in Redis under the {@link MasterKeys}. Write-only: no
 * method returns a secret. A secret is opened only inside the host, when a tool's request names the
 * credential and its grant allows it, and only its header leaves the host, towards the credential's
 * allowed origins.
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

  /** Deletes the credential; true if it existed. Requests naming it fail from then on. */
  Future<Boolean> delete(String name);

  /** Every stored credential, without secrets, sorted by name. */
  Future<List<CredentialInfo>> list();

  /**
   * Seals every credential not sealed under the current master key again under it. Safe to run
   * while credentials are being put: a credential replaced meanwhile is left as its writer sealed
   * it.
   */
  Future<ResealReport> reseal();
}
