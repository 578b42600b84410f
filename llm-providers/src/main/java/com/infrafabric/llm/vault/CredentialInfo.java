package com.infrafabric.llm.vault;

import java.time.Instant;
import java.util.List;

/**
 * A stored credential as the vault describes it: everything but the secret.
 *
 * @param owner whose it is
 * @param name the credential's name
 * @param allow origins the secret may be sent to
 * @param header the header the host adds
 * @param scheme the value's prefix, empty for none
 * @param response what a tool may read of the allowed origins' answers
 * @param keyId the master key it is sealed under
 * @param updatedAt when it was last put or resealed
 */
public record CredentialInfo(
    CredentialOwner owner,
    String name,
    List<String> allow,
    String header,
    String scheme,
    ResponsePolicy response,
    String keyId,
    Instant updatedAt) {

  public CredentialInfo {
    allow = List.copyOf(allow);
  }
}
