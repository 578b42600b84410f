package com.infrafabric.chassis.internal.egress;

import java.util.List;

/**
 * A credential opened for one request: where it may go and the header it adds. Lives only as long
 * as that request; never logged ({@link #toString()} names it only).
 *
 * @param name the credential's name
 * @param allow origins the header may be sent to
 * @param header lowercase header name
 * @param headerValue the value sent, scheme included
 * @param secrets what must never reach the tool: the secret and the whole header value
 */
public record OpenedCredential(
    String name,
    List<DestinationPattern> allow,
    String header,
    String headerValue,
    List<String> secrets) {

  public OpenedCredential {
    allow = List.copyOf(allow);
    secrets = List.copyOf(secrets);
  }

  /** True if the header may be sent to {@code destination}. */
  public boolean allows(Destination destination) {
    return allow.stream().anyMatch(p -> p.matches(destination));
  }

  /** Names the credential only. */
  @Override
  public String toString() {
    return "OpenedCredential[" + name + ']';
  }
}
