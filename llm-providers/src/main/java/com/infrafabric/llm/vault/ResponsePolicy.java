package com.infrafabric.llm.vault;

/**
 * What a tool may read of the answers of an origin a tenant's credential is sent to. Redaction
 * removes the secret in the encodings it knows, but an origin that reflects what it receives can
 * send it back in pieces or transformed; against such an origin only withholding the answer helps.
 *
 * <p>The policy covers every answer from an origin the credential allows to an invocation that may
 * use the credential, whether the request carried it or not (a reflection stored by the origin
 * cannot be fetched back without it). Where several credentials allow an origin, the strictest
 * applies.
 */
public sealed interface ResponsePolicy {

  /** The most requests a status-only credential may allow per invocation. */
  int MAX_STATUS_REQUESTS = 64;

  /** The default of {@link StatusOnly#maxRequests()}. */
  int DEFAULT_STATUS_REQUESTS = 4;

  /** The tool reads status, headers and body, redacted of the secret. The default. */
  record Full() implements ResponsePolicy {}

  /**
   * For write-only APIs: the tool reads only the status class of each answer ({@code 200}, {@code
   * 300}, {@code 400} or {@code 500}), never its headers or body, and any failed exchange as {@code
   * UNAVAILABLE}; at most {@code maxRequests} requests to the credential's origins per invocation
   * (more are {@code REQUEST_LIMIT}). Each answer so carries one of five values, about 2.3 bits.
   *
   * @param maxRequests 1 to {@value ResponsePolicy#MAX_STATUS_REQUESTS}
   */
  record StatusOnly(int maxRequests) implements ResponsePolicy {
    public StatusOnly {
      if (maxRequests < 1 || maxRequests > MAX_STATUS_REQUESTS) {
        throw new IllegalArgumentException(
            "max_requests " + maxRequests + " is outside 1.." + MAX_STATUS_REQUESTS);
      }
    }
  }

  static ResponsePolicy full() {
    return new Full();
  }

  static ResponsePolicy statusOnly(int maxRequests) {
    return new StatusOnly(maxRequests);
  }

  /**
   * The policy named {@code wireName} ({@code full} or {@code status-only}); {@code maxRequests}
   * only with {@code status-only}, {@value #DEFAULT_STATUS_REQUESTS} when absent.
   *
   * @throws IllegalArgumentException for another name, or a limit out of range or without use
   */
  static ResponsePolicy parse(String wireName, java.util.OptionalInt maxRequests) {
    if ("status-only".equals(wireName)) {
      return new StatusOnly(maxRequests.orElse(DEFAULT_STATUS_REQUESTS));
    }
    if (!"full".equals(wireName)) {
      // The value is not repeated: it may be a secret pasted into the wrong field.
      throw new IllegalArgumentException("response must be full or status-only");
    }
    if (maxRequests.isPresent()) {
      throw new IllegalArgumentException("max_requests applies to status-only only");
    }
    return new Full();
  }

  /** {@code full} or {@code status-only}, as the REST API and the stored record name it. */
  default String wireName() {
    return this instanceof StatusOnly ? "status-only" : "full";
  }

  /** The stricter of this and {@code other}. */
  default ResponsePolicy stricter(ResponsePolicy other) {
    if (this instanceof StatusOnly mine && other instanceof StatusOnly theirs) {
      return new StatusOnly(Math.min(mine.maxRequests(), theirs.maxRequests()));
    }
    return this instanceof StatusOnly ? this : other;
  }
}
