package com.infrafabric.llm.vault;

import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import java.util.List;
import java.util.Objects;

/**
 * A credential opened for use: where it may go, the header it adds, the secret that must never come
 * back, and what a tool may read of its origins' answers. Never logged ({@link #toString()} names
 * it only).
 *
 * <p>A class rather than a record only to keep its {@link #redactor()}, built on first use: the
 * vault hands out one instance per stored value ({@link CredentialStore}), so a provider key's
 * redactor is built once, not on every call it guards. Immutable in what it says; thread-safe.
 */
public final class OpenedCredential {

  private final String name;
  private final List<DestinationPattern> allow;
  private final String header;
  private final String headerValue;
  private final String secret;
  private final ResponsePolicy response;
  private volatile Redactor redactor;

  /**
   * @param name the credential's name
   * @param allow origins the header may be sent to
   * @param header lowercase header name
   * @param headerValue the value sent, scheme included
   * @param secret the secret, which nothing the host hands back may hold
   * @param response what a tool may read of the answers of the origins {@code allow} matches
   */
  public OpenedCredential(
      String name,
      List<DestinationPattern> allow,
      String header,
      String headerValue,
      String secret,
      ResponsePolicy response) {
    this.name = Objects.requireNonNull(name, "name");
    this.allow = List.copyOf(allow);
    this.header = Objects.requireNonNull(header, "header");
    this.headerValue = Objects.requireNonNull(headerValue, "headerValue");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.response = Objects.requireNonNull(response, "response");
  }

  public String name() {
    return name;
  }

  public List<DestinationPattern> allow() {
    return allow;
  }

  public String header() {
    return header;
  }

  public String headerValue() {
    return headerValue;
  }

  public String secret() {
    return secret;
  }

  public ResponsePolicy response() {
    return response;
  }

  /** True if the header may be sent to {@code destination}. */
  public boolean allows(Destination destination) {
    return allow.stream().anyMatch(p -> p.matches(destination));
  }

  /**
   * What removes this credential's secret from text an origin sent back (a provider may quote the
   * key it was sent in an error): {@link Redactor} says which encodings it catches.
   */
  public Redactor redactor() {
    Redactor built = redactor;
    if (built == null) {
      built = Redactor.of(List.of(secret));
      redactor = built;
    }
    return built;
  }

  /** Names the credential only. */
  @Override
  public String toString() {
    return "OpenedCredential[" + name + ']';
  }
}
