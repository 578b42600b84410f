package com.infrafabric.governor.http;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Serves the OpenAPI 3.1 document that describes every route of the governor. */
final class OpenApiRoute {

  static final String PATH = "/v1/openapi.json";
  static final String RESOURCE = "/openapi/governor.json";

  private final String document = load();

  void register(Routes routes) {
    routes.get(
        PATH,
        Access.authenticated(),
        ctx ->
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(document));
  }

  static String load() {
    try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
