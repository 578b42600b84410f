package com.infrafabric.deploy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** How the demo talks to the services: JSON over HTTP with a bearer token, as any client would. */
final class ApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final String base;

  ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** One answer: status, JSON body (an empty object if none) and how long it took. */
  record Answer(int status, JsonObject body, Duration took) {
    boolean ok() {
      return status / 100 == 2;
    }

    String code() {
      return body.getString("code", "");
    }
  }

  /** The absolute URL of {@code path} on this service. */
  URI uri(String path) {
    return URI.create(base + path);
  }

  Answer get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  /** The body of a GET that answers text (a Prometheus scrape); fails unless it is 200. */
  String text(String path, String token) {
    HttpRequest request = request(path, token).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("request to " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  Answer put(String path, String token, JsonObject body) {
    return send(request(path, token).PUT(json(body)).build());
  }

  /** A POST with a fresh idempotency key. */
  Answer post(String path, String token, JsonObject body) {
    return post(path, token, body, UUID.randomUUID().toString());
  }

  Answer post(String path, String token, JsonObject body, String idempotencyKey) {
    return send(
        request(path, token).POST(json(body)).header("Idempotency-Key", idempotencyKey).build());
  }

  /** A POST carrying extra header {@code name: value}. */
  Answer postWith(String path, String token, JsonObject body, String name, String value) {
    return send(request(path, token).POST(json(body)).header(name, value).build());
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher json(JsonObject body) {
    return HttpRequest.BodyPublishers.ofString(body.encode());
  }

  private Answer send(HttpRequest request) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      String text = response.body();
      JsonObject body =
          text == null || text.isBlank() || !text.startsWith("{")
              ? new JsonObject()
              : new JsonObject(text);
      return new Answer(response.statusCode(), body, took);
    } catch (IOException e) {
      throw new UncheckedIOException("request to " + request.uri().getPath() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
