package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves a service's OpenAPI 3.1 document, kept as a class-path resource, at {@value #PATH} to any
 * authenticated caller. The document is read once, when the route is created, so a packaging
 * mistake fails at start rather than at the first request.
 */
public final class OpenApiRoute {

  public static final String PATH = "/v1/openapi.json";

  private final String document;

  private OpenApiRoute(String document) {
    this.document = document;
  }

  /**
   * The document at {@code resource} (e.g. {@code /openapi/governor.json}) on {@code anchor}'s
   * class path.
   *
   * @throws IllegalStateException if the resource is missing
   */
  public static OpenApiRoute fromResource(Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      return new OpenApiRoute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  public void register(Routes routes) {
    routes.get(
        PATH,
        Access.authenticated(),
        ctx ->
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(document));
  }
}
