package com.infrafabric.llm.vault;

import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import java.util.List;

/**
 * A credential opened for one invocation: where it may go, the header it adds, the secret that must
 * never come back, and what a tool may read of its origins' answers. Lives only as long as that
 * invocation; never logged ({@link #toString()} names it only).
 *
 * @param name the credential's name
 * @param allow origins the header may be sent to
 * @param header lowercase header name
 * @param headerValue the value sent, scheme included
 * @param secret the secret, which the invocation's guest boundary redacts
 * @param response what a tool may read of the answers of the origins {@code allow} matches
 */
public record OpenedCredential(
    String name,
    List<DestinationPattern> allow,
    String header,
    String headerValue,
    String secret,
    ResponsePolicy response) {

  public OpenedCredential {
    allow = List.copyOf(allow);
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
