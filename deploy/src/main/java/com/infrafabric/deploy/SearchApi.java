package com.infrafabric.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's outside world, on loopback: a search API that answers only callers presenting the
 * operator's secret key, and an echo endpoint that reflects request headers back (what a hostile
 * tool would use to read an injected credential).
 */
final class SearchApi implements AutoCloseable {

  private final Vertx vertx;
  private final String secret;
  private final AtomicInteger authorized = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private HttpServer server;

  SearchApi(String secret) {
    this.vertx = Vertx.vertx();
    this.secret = secret;
  }

  SearchApi start() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    return this;
  }

  int port() {
    return server.actualPort();
  }

  String origin() {
    return "http://127.0.0.1:" + port();
  }

  /** Searches answered because the caller presented the secret. */
  int authorizedSearches() {
    return authorized.get();
  }

  /** Requests refused for lacking the secret. */
  int refusedSearches() {
    return refused.get();
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/echo")) {
      JsonObject headers = new JsonObject();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      request.response().putHeader("content-type", "application/json").end(headers.encode());
      return;
    }
    if (!("Bearer " + secret).equals(request.getHeader("Authorization"))) {
      refused.incrementAndGet();
      request.response().setStatusCode(401).end("{\"error\":\"a valid API key is required\"}");
      return;
    }
    authorized.incrementAndGet();
    String query = request.getParam("q", "");
    JsonArray results =
        new JsonArray()
            .add(new JsonObject().put("title", "About " + query).put("rank", 1))
            .add(new JsonObject().put("title", query + " explained").put("rank", 2));
    request
        .response()
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("query", query).put("results", results).encode());
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
