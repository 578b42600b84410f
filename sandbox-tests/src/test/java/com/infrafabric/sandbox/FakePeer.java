package com.infrafabric.sandbox;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A misbehaving HTTP peer on loopback for egress tests: honest, redirecting (to itself, in a loop,
 * and to the metadata address), silent, endless, and with oversized headers. It only ever listens
 * on 127.0.0.1; nothing in these tests sends traffic anywhere else.
 */
final class FakePeer implements AutoCloseable {

  private static final long ENDLESS_CAP = 16L << 20;

  private final Vertx vertx;
  private final HttpServer server;

  private FakePeer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static FakePeer start() {
    Vertx vertx = Vertx.vertx();
    HttpServer server =
        vertx.createHttpServer().requestHandler(FakePeer::handle).listen(0, "127.0.0.1").await();
    return new FakePeer(vertx, server);
  }

  int port() {
    return server.actualPort();
  }

  private static void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    switch (request.path()) {
      case "/ok" -> response.putHeader("content-type", "application/json").end("{\"ok\":true}");
      case "/host" -> response.end("host=" + request.getHeader("host"));
      case "/redirect-ok" -> redirect(response, "/ok");
      case "/redirect-loop" -> redirect(response, "/redirect-loop");
      case "/redirect-metadata" -> redirect(response, "http://169.254.169.254/latest/meta-data/");
      case "/big-headers" -> response.putHeader("x-padding", "a".repeat(64 << 10)).end("{}");
      case "/endless" -> endless(request, response);
      case "/slow" -> {
        // Never answers: the client's total timeout must end the request.
      }
      default -> response.setStatusCode(404).end();
    }
  }

  private static void redirect(HttpServerResponse response, String location) {
    response.setStatusCode(302).putHeader("location", location).end();
  }

  private static void endless(HttpServerRequest request, HttpServerResponse response) {
    Vertx vertx = request.connection() == null ? null : Vertx.currentContext().owner();
    response.setChunked(true);
    Buffer chunk = Buffer.buffer("x".repeat(1024));
    long[] sent = {0};
    long timer =
        vertx.setPeriodic(
            1,
            id -> {
              if (response.closed() || sent[0] > ENDLESS_CAP) {
                vertx.cancelTimer(id);
              } else {
                sent[0] += chunk.length();
                response.write(chunk);
              }
            });
    response.closeHandler(closed -> vertx.cancelTimer(timer));
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }
}
