package com.infrafabric.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A plain JDK HTTP client for tests against a service listening on loopback: every call has a
 * deadline, bodies come back as strings.
 */
public final class HttpTestClient {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(DEADLINE).version(HttpClient.Version.HTTP_1_1).build();
  private final int port;

  public HttpTestClient(int port) {
    this.port = port;
  }

  public HttpResponse<String> get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  /** A POST with the given content type (or none when null). */
  public HttpResponse<String> post(String path, String token, String contentType, String body) {
    HttpRequest.Builder builder =
        request(path, token).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder.build());
  }

  /** Any request: method, path, token (or null) and extra headers. */
  public HttpResponse<String> send(
      String method, String path, String token, Map<String, String> headers) {
    HttpRequest.Builder builder =
        request(path, token).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(builder::header);
    return send(builder.build());
  }

  /** Any request with a body: method, path, token (or null), extra headers and a JSON body. */
  public HttpResponse<String> send(
      String method, String path, String token, Map<String, String> headers, String jsonBody) {
    return send(method, path, token, headers, "application/json", jsonBody);
  }

  /** Any request with a body sent as {@code contentType}. */
  public HttpResponse<String> send(
      String method,
      String path,
      String token,
      Map<String, String> headers,
      String contentType,
      String body) {
    HttpRequest.Builder builder =
        request(path, token)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", contentType);
    headers.forEach(builder::header);
    return send(builder.build());
  }

  /** A JSON POST carrying the header {@code name} once for each of {@code values}. */
  public HttpResponse<String> postRepeating(
      String path, String token, String jsonBody, String name, List<String> values) {
    HttpRequest.Builder builder =
        request(path, token)
            .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
            .header("Content-Type", "application/json");
    values.forEach(value -> builder.header(name, value));
    return send(builder.build());
  }

  /** Starts a GET without waiting for it. */
  public CompletableFuture<HttpResponse<String>> getAsync(String path, String token) {
    return client.sendAsync(
        request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(DEADLINE);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
