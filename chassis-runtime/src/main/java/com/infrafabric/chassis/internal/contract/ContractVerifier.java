package com.infrafabric.chassis.internal.contract;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.InvalidContractException;
import com.infrafabric.chassis.TrustedPublishers;
import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.platform.auth.CompactJws;
import com.infrafabric.platform.auth.CriticalHeaders;
import com.infrafabric.platform.http.Excerpt;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import java.text.ParseException;

/**
 * Verifies a signed contract: a compact JWS, ES256 only, marking no extension critical ({@link
 * CriticalHeaders}), signed by a key the operator lists by {@code kid}, with a payload that parses
 * strictly and names the digest of the module it comes with. Keys embedded in or referenced from
 * the header are refused, never fetched. Thread-safe.
 */
public final class ContractVerifier {

  private final TrustedPublishers trustedPublishers;

  public ContractVerifier(TrustedPublishers trustedPublishers) {
    this.trustedPublishers = trustedPublishers;
  }

  /**
   * Verifies {@code jws} for the module whose digest is {@code moduleDigest}.
   *
   * @throws InvalidContractException with {@link ErrorCode#INVALID_CONTRACT} or {@link
   *     ErrorCode#UNTRUSTED_PUBLISHER}
   */
  public VerifiedContract verify(String jws, ModuleDigest moduleDigest) {
    JWSObject object = parse(jws);
    JWSHeader header = object.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw invalid(
          "contract is signed with " + header.getAlgorithm() + "; only ES256 is accepted");
    }
    if (header.getJWK() != null
        || header.getJWKURL() != null
        || header.getX509CertURL() != null
        || header.getX509CertChain() != null) {
      throw invalid("contract header must not carry or point to a key (jwk, jku, x5u, x5c)");
    }
    CriticalHeaders.refusal(header)
        .ifPresent(
            refusal -> {
              throw invalid("contract is signed with " + refusal);
            });
    String keyId = header.getKeyID();
    if (keyId == null) {
      throw invalid("contract header has no kid");
    }
    TrustedPublishers.PublisherKey key = checkSignature(object, keyId);
    ServiceContract contract = payload(object);
    if (!contract.moduleDigest().equals(moduleDigest)) {
      throw invalid(
          "moduleDigest "
              + contract.moduleDigest()
              + " does not match the module's "
              + moduleDigest);
    }
    return new VerifiedContract(contract, keyId, key.publisher());
  }

  private static JWSObject parse(String jws) {
    if (jws == null || jws.isBlank()) {
      throw invalid("contract is not signed: expected a compact JWS");
    }
    if (!CompactJws.canonical(jws.strip())) {
      throw invalid("contract is not signed: expected a compact JWS");
    }
    try {
      return JWSObject.parse(jws.strip());
    } catch (ParseException e) {
      // A compact JWS whose header is not one the verifier reads (a jwk member, a repeated alg):
      // say so, rather than that it is not signed.
      throw invalid(
          "contract is not signed: expected a compact JWS, but its header cannot be read ("
              + Excerpt.of(String.valueOf(e.getMessage()), Excerpt.VALUE_CHARS)
              + ")");
    }
  }

  private TrustedPublishers.PublisherKey checkSignature(JWSObject object, String keyId) {
    TrustedPublishers.PublisherKey key =
        trustedPublishers
            .key(keyId)
            .orElseThrow(
                () ->
                    new InvalidContractException(
                        ErrorCode.UNTRUSTED_PUBLISHER,
                        "contract is signed by unknown key " + keyId));
    boolean verified;
    try {
      verified = object.verify(new ECDSAVerifier(key.key()));
    } catch (JOSEException e) {
      verified = false;
    }
    if (!verified) {
      throw invalid("contract signature does not verify with key " + keyId);
    }
    return key;
  }

  private static ServiceContract payload(JWSObject object) {
    try {
      return ContractJson.parse(object.getPayload().toBytes());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static InvalidContractException invalid(String message) {
    return new InvalidContractException(ErrorCode.INVALID_CONTRACT, message);
  }
}
