package com.infrafabric.hostapi.contract;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Grants {@code http_request} to destinations matching {@code allow}.
 *
 * @param allow patterns {@code scheme://host:port}; a host may start with {@code *.} to match any
 *     deeper subdomain on a label boundary ({@code *.example.com} matches {@code a.example.com},
 *     never {@code example.com} nor {@code evilexample.com})
 * @param maxRequests requests (redirect hops included) one invocation may send
 * @param connectTimeout bound on establishing one connection
 * @param readTimeout bound on silence while waiting for response bytes
 * @param totalTimeout bound on one request from start to the last response byte
 * @param maxResponseBytes cap on one response body; larger responses are discarded
 * @param credentials names of operator credentials the tool may ask the host to inject ({@code
 *     http_request_with_credential}); a call also needs the invocation's grant to name the
 *     credential, and its destination must be on both this allow-list and the credential's own
 */
public record HttpCapability(
    List<String> allow,
    int maxRequests,
    Duration connectTimeout,
    Duration readTimeout,
    Duration totalTimeout,
    int maxResponseBytes,
    List<String> credentials)
    implements Capability {

  /** The most characters (and bytes: they are ASCII) a credential name has. */
  public static final int CREDENTIAL_NAME_MAX_LENGTH = 64;

  /** What a credential name looks like, here and in the operator's vault. */
  public static final Pattern CREDENTIAL_NAME =
      Pattern.compile("[a-z0-9][a-z0-9._-]{0," + (CREDENTIAL_NAME_MAX_LENGTH - 1) + "}");

  public HttpCapability {
    allow = List.copyOf(allow);
    if (allow.isEmpty()) {
      throw new IllegalArgumentException("http.allow must list at least one destination");
    }
    positive("http.maxRequests", maxRequests);
    positive("http.connectTimeoutMs", Objects.requireNonNull(connectTimeout).toMillis());
    positive("http.readTimeoutMs", Objects.requireNonNull(readTimeout).toMillis());
    positive("http.totalTimeoutMs", Objects.requireNonNull(totalTimeout).toMillis());
    positive("http.maxResponseBytes", maxResponseBytes);
    credentials = List.copyOf(credentials);
    for (String name : credentials) {
      if (!CREDENTIAL_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "http.credentials entry \"" + name + "\" must match " + CREDENTIAL_NAME.pattern());
      }
    }
  }

  @Override
  public CapabilityKind kind() {
    return CapabilityKind.HTTP;
  }

  static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }
}
