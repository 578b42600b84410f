package com.infrafabric.deploy.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * JSON over HTTP to one service with a bearer token, for the client commands. Every call returns
 * the answer's JSON object when the status is 2xx and throws otherwise: {@link ApiFailure} for an
 * error answer, {@link UncheckedIOException} when the service cannot be reached. Not thread-safe to
 * share across commands; each command makes its own.
 */
final class RestClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final URI base;
  private final String token;

  private RestClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /**
   * A client of the service at {@code url}.
   *
   * @throws IllegalArgumentException unless {@code url} is an absolute http or https URL
   */
  static RestClient of(String url, String token) {
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url " + url + " is not a URL");
    }
    boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    if (!http || uri.getHost() == null || uri.getRawQuery() != null) {
      throw new IllegalArgumentException(
          "--url " + url + " must be an http:// or https:// URL such as http://127.0.0.1:8080");
    }
    return new RestClient(uri, token);
  }

  JsonObject get(String path) {
    return send("GET", path, BodyPublishers.noBody(), freshKey());
  }

  JsonObject put(String path, JsonObject body) {
    return send("PUT", path, BodyPublishers.ofString(body.encode()), freshKey());
  }

  JsonObject post(String path, JsonObject body) {
    return post(path, body, freshKey());
  }

  /**
   * A POST named by {@code idempotencyKey}: sent again with the same key (after a lost answer, or
   * by running the command again), the service answers with the first result.
   */
  JsonObject post(String path, JsonObject body, String idempotencyKey) {
    return send("POST", path, BodyPublishers.ofString(body.encode()), idempotencyKey);
  }

  JsonObject delete(String path) {
    return send("DELETE", path, BodyPublishers.noBody(), freshKey());
  }

  /** A GET whose answer is text (such as CSV), returned as it came. */
  String getText(String path) {
    return exchangeOk("GET", path, BodyPublishers.noBody(), freshKey()).body();
  }

  private static String freshKey() {
    return UUID.randomUUID().toString();
  }

  private JsonObject send(String method, String path, BodyPublisher body, String idempotencyKey) {
    return json(exchangeOk(method, path, body, idempotencyKey).body());
  }

  /** Sends the request; a status other than 2xx fails with the service's code and message. */
  private HttpResponse<String> exchangeOk(
      String method, String path, BodyPublisher body, String idempotencyKey) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .method(method, body)
            .build();
    HttpResponse<String> response = exchange(request);
    if (response.statusCode() / 100 != 2) {
      JsonObject json = json(response.body());
      throw new ApiFailure(
          method,
          path,
          response.statusCode(),
          json.getString("code", "?"),
          json.getString("message", ""));
    }
    return response;
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new UncheckedIOException("cannot reach " + base + " (connection refused)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + base + " (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JsonObject json(String text) {
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject().put("message", text.length() > 200 ? text.substring(0, 200) : text);
    }
  }
}
