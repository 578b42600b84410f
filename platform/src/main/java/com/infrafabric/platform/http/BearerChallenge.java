package com.infrafabric.platform.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code WWW-Authenticate} challenge of an answer that refuses the caller's credential (RFC
 * 6750, section 3): every 401, and any refusal that says what is wrong with the token (a 403 for a
 * token without the role a route needs is {@code insufficient_scope}). It names the error and a
 * fixed description when the refusal says one ({@link ApiException#bearerError}); a request that
 * sent no credential gets none, as section 3.1 asks. With a {@link ProtectedResource}, it also
 * names the metadata document, so a client learns where to get a better token. It never carries any
 * part of what the caller sent.
 */
final class BearerChallenge {

  private BearerChallenge() {}

  /**
   * The challenge {@code error} is answered with, if any.
   *
   * @param metadataUrl the protected-resource metadata URL for this request; left out if it is not
   *     a plain URL that fits a quoted-string
   */
  static Optional<String> of(ApiException error, Optional<String> metadataUrl) {
    if (!error.code().equals(ErrorCode.UNAUTHENTICATED) && error.bearerError().isEmpty()) {
      return Optional.empty();
    }
    List<String> parameters = new ArrayList<>();
    error
        .bearerError()
        .ifPresent(
            bearer -> {
              parameters.add("error=\"" + bearer.code() + "\"");
              parameters.add("error_description=\"" + bearer.description() + "\"");
            });
    metadataUrl
        .filter(BearerChallenge::quotable)
        .ifPresent(url -> parameters.add("resource_metadata=\"" + url + "\""));
    return Optional.of(parameters.isEmpty() ? "Bearer" : "Bearer " + String.join(", ", parameters));
  }

  private static boolean quotable(String url) {
    return url.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\');
  }
}
