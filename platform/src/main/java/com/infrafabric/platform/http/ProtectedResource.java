package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Function;

/**
 * A service that is an OAuth 2.0 protected resource (RFC 9728), as the Model Context Protocol's
 * authorization asks: its metadata document is served without a token at {@code path}, and every
 * challenge of the service names it ({@link BearerChallenge}), {@code WWW-Authenticate: Bearer
 * resource_metadata="<url>"}, so a client whose token is missing, invalid or short of a role learns
 * where to find out how to get one.
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
}
