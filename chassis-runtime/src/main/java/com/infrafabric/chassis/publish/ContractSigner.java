package com.infrafabric.chassis.publish;

import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.auth.SigningKey;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Signs a tool contract for its module, as a publisher does before registering the tool: the
 * contract names the module's digest (filled in when the contract leaves it out), is checked as
 * strictly as the chassis will check it, and is signed with ES256 under the publisher key's {@code
 * kid}. A contract the chassis would refuse is refused here, with the same sentence.
 *
 * <p>A top-level {@code "$schema"} (the hint that lets editors validate a contract file against
 * {@code host-api/contract.schema.json}) is dropped before signing: it is not part of the contract.
 */
public final class ContractSigner {

  static final String DIGEST = "moduleDigest";
  static final String SCHEMA_HINT = "$schema";

  private ContractSigner() {}

  /**
   * The compact JWS to register with {@code module}.
   *
   * @param contractJson the contract (see {@code host-api/README.md}), with or without {@code
   *     moduleDigest}
   * @throws IllegalArgumentException if the key does not sign ES256, the contract is not valid, or
   *     it names another module's digest
   */
  public static String sign(byte[] module, String contractJson, SigningKey key) {
    if (!"ES256".equals(key.algorithm())) {
      throw new IllegalArgumentException(
          "contracts are signed with ES256; key " + key.keyId() + " signs " + key.algorithm());
    }
    JsonObject contract = parse(contractJson);
    contract.remove(SCHEMA_HINT);
    String digest = ModuleDigest.of(module).toString();
    Object named = contract.getValue(DIGEST);
    if (named == null) {
      contract.put(DIGEST, digest);
    } else if (!digest.equals(named)) {
      throw new IllegalArgumentException(
          "the contract's moduleDigest " + named + " does not match the module's " + digest);
    }
    String payload = contract.encode();
    try {
      ContractJson.parse(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the contract is invalid: " + e.getMessage(), e);
    }
    return key.sign(payload);
  }

  private static JsonObject parse(String json) {
    try {
      return new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the contract is not a JSON object");
    }
  }
}
