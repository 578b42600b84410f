package com.infrafabric.platform.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.infrafabric.platform.auth.Access;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves a service's OpenAPI 3.1 document, kept as a class-path resource, at {@value #PATH} to any
 * authenticated caller, and declares its operations' {@link QueryParameters} to the service. The
 * document is read and checked once, when the route is created, so a packaging or editing mistake
 * fails at start rather than at the first request: a repeated key, which generators and SDKs
 * resolve differently (one of two documented answers silently lost), is such a mistake.
 */
public final class OpenApiRoute {

  public static final String PATH = "/v1/openapi.json";

  private static final JsonFactory STRICT =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final String document;
  private final QueryParameters query;

  private OpenApiRoute(String document) {
    this.document = document;
    this.query = QueryParameters.fromOpenApi(new JsonObject(document));
  }

  /**
   * The document at {@code resource} (e.g. {@code /openapi/governor.json}) on {@code anchor}'s
   * class path.
   *
   * @throws IllegalStateException if the resource is missing, is not JSON or repeats a key
   */
  public static OpenApiRoute fromResource(Class<?> anchor, String resource) {
    String document;
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    requireStrictJson(resource, document);
    return new OpenApiRoute(document);
  }

  private static void requireStrictJson(String resource, String document) {
    try (JsonParser parser = STRICT.createParser(document)) {
      while (parser.nextToken() != null) {
        // every token is read: the duplicate check runs as field names go by
      }
    } catch (IOException e) {
      throw new IllegalStateException(resource + " is not strict JSON: " + e.getMessage(), e);
    }
  }

  /** Serves the document, and declares its operations' query parameters to the service. */
  public void register(Routes routes) {
    routes.declare(query);
    routes.get(
        PATH,
        Access.authenticated(),
        ctx ->
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(document));
  }
}
