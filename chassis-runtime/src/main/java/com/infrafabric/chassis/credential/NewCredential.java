package com.infrafabric.chassis.credential;

import java.util.List;
import java.util.Objects;

/**
 * A credential as an operator stores it. The host adds the header {@code header: scheme secret} (or
 * {@code header: secret} when {@code scheme} is empty) to requests a granted tool sends to an
 * origin matching {@code allow}.
 *
 * @param name {@code [a-z0-9][a-z0-9._-]{0,63}}, as contracts and grants name it
 * @param secret 8 to 8192 visible ASCII characters
 * @param allow origins {@code scheme://host:port} (a host may start with {@code *.}) the secret may
 *     be sent to
 * @param header the header name, e.g. {@code authorization} or {@code x-api-key}
 * @param scheme the value's prefix, e.g. {@code Bearer}; empty for none
 */
public record NewCredential(
    String name, String secret, List<String> allow, String header, String scheme) {

  public NewCredential {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(scheme, "scheme");
    allow = List.copyOf(allow);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "NewCredential[name="
        + name
        + ", allow="
        + allow
        + ", header="
        + header
        + ", scheme="
        + scheme
        + ", secret=<redacted>]";
  }
}
