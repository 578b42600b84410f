package com.infrafabric.platform.auth;

import com.infrafabric.platform.http.Excerpt;
import com.nimbusds.jose.JWSHeader;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code crit} header of a JWS (RFC 7515, section 4.1.11): extensions the signer requires every
 * verifier to understand, or to refuse the JWS. These services understand none, so a JWS that lists
 * any is refused, and so is one whose list is empty, which the RFC forbids. Every verifier checks
 * here before the signature: Nimbus's verifiers answer an unknown critical parameter by saying the
 * signature does not verify, which names the wrong fault, and accept an empty list.
 */
public final class CriticalHeaders {

  /** The most of the listed names a refusal quotes. */
  static final int NAMES_CHARS = 200;

  private CriticalHeaders() {}

  /**
   * Why {@code header}'s {@code crit} is refused, as a noun phrase (e.g. {@code unsupported
   * critical header(s): foo}), or empty if it has none.
   */
  public static Optional<String> refusal(JWSHeader header) {
    Set<String> critical = header.getCriticalParams();
    if (critical == null) {
      return Optional.empty();
    }
    if (critical.isEmpty()) {
      return Optional.of("an empty crit header, which RFC 7515 forbids");
    }
    String names = String.join(", ", new TreeSet<>(critical));
    return Optional.of("unsupported critical header(s): " + Excerpt.of(names, NAMES_CHARS));
  }
}
