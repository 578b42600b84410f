package com.infrafabric.governor.service;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the governor finds the keys it trusts and signs with, beyond bearer tokens, and the names
 * those tokens carry. Settings, not keys: the key material stays in the files named here.
 *
 * <pre>
 * contracts.jwksFile   IF_CONTRACTS_JWKS_FILE   operator public keys that sign agent contracts
 * contracts.issuer     IF_CONTRACTS_ISSUER      issuer of agent contracts
 * grants.keyFile       IF_GRANTS_KEY_FILE       the governor's private key (JWK set) for grants
 * grants.issuer        IF_GRANTS_ISSUER         infrafabric-governor
 * grants.audience      IF_GRANTS_AUDIENCE       infrafabric-chassis
 * </pre>
 *
 * @param contractsJwks the operator keys agent contracts must be signed with
 * @param contractsIssuer the issuer agent contracts must name
 * @param grantKey the private JWK set grants are signed with (mode 0600)
 * @param grantIssuer the issuer grants carry
 * @param grantAudience the audience grants carry: the chassis
 */
public record TrustSettings(
    Path contractsJwks,
    String contractsIssuer,
    Path grantKey,
    String grantIssuer,
    String grantAudience) {

  public static final String DEFAULT_GRANT_ISSUER = "infrafabric-governor";
  public static final String DEFAULT_GRANT_AUDIENCE = "infrafabric-chassis";

  public TrustSettings {
    Objects.requireNonNull(contractsJwks, "contractsJwks");
    Objects.requireNonNull(contractsIssuer, "contractsIssuer");
    Objects.requireNonNull(grantKey, "grantKey");
    Objects.requireNonNull(grantIssuer, "grantIssuer");
    Objects.requireNonNull(grantAudience, "grantAudience");
  }
}
