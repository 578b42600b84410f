package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.AnswerDeadline;
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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * JSON over HTTP to one service with a bearer token, for the client commands. Every call returns
 * the answer when the status is 2xx and it is what the service sends (a JSON object, the CSV asked
 * for, a DELETE's 204), and throws otherwise: {@link ApiFailure} for the service's error answer (a
 * JSON object with its code and message), {@link ForeignAnswer} for any other answer, whatever its
 * status, {@link UncheckedIOException} when the service cannot be reached. Not thread-safe to share
 * across commands; each command makes its own.
 */
final class RestClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final URI base;
  private final Service service;
  private final String token;
  private final Map<String, String> headers;

  private RestClient(URI base, Service service, String token, Map<String, String> headers) {
    this.base = base;
    this.service = service;
    this.token = token;
    this.headers = Map.copyOf(headers);
  }

  /**
   * A client of {@code service} at {@code url}.
   *
   * @throws IllegalArgumentException unless {@code url} is an absolute http or https URL
   */
  static RestClient of(Service service, String url, String token) {
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url " + withoutUserInfo(url) + " is not a URL");
    }
    boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    if (!http || uri.getHost() == null || uri.getRawQuery() != null) {
      throw new IllegalArgumentException(
          "--url "
              + withoutUserInfo(url)
              + " must be an http:// or https:// URL such as http://127.0.0.1:8080");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "--url "
              + withoutUserInfo(url)
              + " must not carry a user or password: the token authenticates");
    }
    return new RestClient(uri, service, token, Map.of());
  }

  /**
   * {@code url} with whatever stands between its scheme and its last {@code @} shown as {@code
   * ***}: a refusal quotes the URL, never a password written into it.
   */
  static String withoutUserInfo(String url) {
    int start = url.indexOf("://");
    int at = url.lastIndexOf('@');
    return start < 0 || at < start ? url : url.substring(0, start + 3) + "***" + url.substring(at);
  }

  /** This client, sending also header {@code name: value} with every request. */
  RestClient withHeader(String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return new RestClient(base, service, token, more);
  }

  Answer get(String path) {
    return send("GET", path, BodyPublishers.noBody(), freshKey());
  }

  Answer put(String path, JsonObject body) {
    return send("PUT", path, BodyPublishers.ofString(body.encode()), freshKey());
  }

  Answer post(String path, JsonObject body) {
    return post(path, body, freshKey());
  }

  /**
   * A POST named by {@code idempotencyKey}: sent again with the same key (after a lost answer, or
   * by running the command again), the service answers with the first result.
   */
  Answer post(String path, JsonObject body, String idempotencyKey) {
    return send("POST", path, BodyPublishers.ofString(body.encode()), idempotencyKey);
  }

  /** A DELETE, which the services answer with 204 No Content and nothing else. */
  void delete(String path) {
    HttpResponse<String> response = exchangeOk("DELETE", path, BodyPublishers.noBody(), freshKey());
    if (response.statusCode() != 204) {
      throw foreign("DELETE " + path + " answered " + response.statusCode() + ", not 204");
    }
  }

  /** A GET whose answer is CSV, returned as it came. */
  String getCsv(String path) {
    HttpResponse<String> response = exchangeOk("GET", path, BodyPublishers.noBody(), freshKey());
    return expect(response, "GET " + path, "text/csv").body();
  }

  private static String freshKey() {
    return UUID.randomUUID().toString();
  }

  private Answer send(String method, String path, BodyPublisher body, String idempotencyKey) {
    return answer(exchangeOk(method, path, body, idempotencyKey), method + " " + path);
  }

  /** {@code response} to {@code request} as JSON, if it is a JSON object. */
  private Answer answer(HttpResponse<String> response, String request) {
    String text = expect(response, request, "application/json").body();
    try {
      return Answer.of(new JsonObject(text), request, this::foreign);
    } catch (DecodeException | ClassCastException e) {
      throw foreign(request + " answered " + response.statusCode() + " with no JSON object");
    }
  }

  /** {@code response} to {@code request}, if its content type is {@code mediaType}. */
  private HttpResponse<String> expect(
      HttpResponse<String> response, String request, String mediaType) {
    String type = response.headers().firstValue("Content-Type").orElse("no content type");
    if (!type.split(";", 2)[0].strip().equalsIgnoreCase(mediaType)) {
      throw foreign(
          request + " answered " + response.statusCode() + " " + type + ", not " + mediaType);
    }
    return response;
  }

  private ForeignAnswer foreign(String detail) {
    return new ForeignAnswer(base, service, detail);
  }

  /** Sends the request; a status other than 2xx fails with the service's code and message. */
  private HttpResponse<String> exchangeOk(
      String method, String path, BodyPublisher body, String idempotencyKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(AnswerDeadline.PER_REQUEST)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .method(method, body);
    headers.forEach(request::header);
    HttpResponse<String> response = exchange(request.build());
    if (response.statusCode() / 100 != 2) {
      throw refusal(method, path, response);
    }
    return response;
  }

  /**
   * The service's refusal: every error it sends is a JSON object with a stable code and a sentence.
   * A non-2xx answer of any other kind (a proxy's 502 page, a 404 from a server that has no such
   * path) is not the service's verdict, and would read as one if printed as a refusal.
   *
   * @throws ForeignAnswer if {@code response} is not the service's error answer
   */
  private ApiFailure refusal(String method, String path, HttpResponse<String> response) {
    String request = method + " " + path;
    Answer error = answer(response, request);
    if (error.optional("code") instanceof String code
        && error.optional("message") instanceof String message) {
      return new ApiFailure(method, path, response.statusCode(), code, message);
    }
    throw foreign(
        request + " answered " + response.statusCode() + " with no error code and message");
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
}
