package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Function;

/**
 * A service that is an OAuth 2.0 protected resource (RFC 9728), as the Model Context Protocol's
 * authorization asks: its metadata document is served without a token at {@code path}, and every
 * 401 names it, {@code WWW-Authenticate: Bearer resource_metadata="<url>"}, so a client that has no
 * token learns where to find out how to get one.
 *
 * @param path where the metadata document is served, e.g. {@code
 *     /.well-known/oauth-protected-resource/mcp}
 * @param document answers the metadata document (anonymous, no body)
 * @param metadataUrl the absolute URL of the document as a client reaches it, for the request at
 *     hand; it goes into a header, so it must be a plain URL without quotes or control characters
 */
public record ProtectedResource(
    String path,
    Handler<RoutingContext> document,
    Function<HttpServerRequest, String> metadataUrl) {

  public ProtectedResource {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(metadataUrl, "metadataUrl");
    if (!path.startsWith("/.well-known/")) {
      throw new IllegalArgumentException("metadata path " + path + " must be under /.well-known/");
    }
  }

  /** The {@code WWW-Authenticate} value of a 401 answered to {@code request}. */
  String challenge(HttpServerRequest request) {
    String url = metadataUrl.apply(request);
    return url.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')
        ? "Bearer resource_metadata=\"" + url + "\""
        : "Bearer";
  }
}
