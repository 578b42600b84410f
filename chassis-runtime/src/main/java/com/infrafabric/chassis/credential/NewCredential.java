package com.infrafabric.chassis.credential;

import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.ResponsePolicy;
import java.util.List;
import java.util.Objects;

/**
 * A credential as an operator stores it. The host adds the header {@code header: scheme secret} (or
 * {@code header: secret} when {@code scheme} is empty) to requests sent to an origin matching
 * {@code allow}: a tenant's credential to requests of that tenant's tools under its grants, the
 * operator's to the host's own model provider calls.
 *
 * @param owner whose it is
 * @param name {@code [a-z0-9][a-z0-9._-]{0,63}}, as contracts and grants name it (unique per owner)
 * @param secret 8 to 8192 visible ASCII characters
 * @param allow origins {@code scheme://host:port} (a host may start with {@code *.}) the secret may
 *     be sent to
 * @param header the header name, e.g. {@code authorization} or {@code x-api-key}
 * @param scheme the value's prefix, e.g. {@code Bearer}; empty for none
 * @param response what a tool may read of the allowed origins' answers; only {@link
 *     ResponsePolicy.Full} for the operator's credentials, which no tool uses
 */
public record NewCredential(
    CredentialOwner owner,
    String name,
    String secret,
    List<String> allow,
    String header,
    String scheme,
    ResponsePolicy response) {

  public NewCredential {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(response, "response");
    allow = List.copyOf(allow);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "NewCredential[owner="
        + owner
        + ", name="
        + name
        + ", allow="
        + allow
        + ", header="
        + header
        + ", scheme="
        + scheme
        + ", response="
        + response
        + ", secret=<redacted>]";
  }
}
