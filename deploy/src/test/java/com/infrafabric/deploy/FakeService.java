package com.infrafabric.deploy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server on loopback that answers every request alike, as scripted, and records one header of
 * each request: for CLI tests that need what the real services never send (a web page, a foreign
 * JSON API) or must show what a command sent, or that it sent nothing.
 */
public final class FakeService implements AutoCloseable {

  private final HttpServer server;
  private final List<String> recorded = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String contentType = "application/json";
  private volatile String body = "{}";

  private FakeService(String recordedHeader) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          recorded.add(String.valueOf(exchange.getRequestHeaders().getFirst(recordedHeader)));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", contentType);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  /** A started service recording {@code recordedHeader} ("null" for a request without it). */
  public static FakeService recording(String recordedHeader) {
    return new FakeService(recordedHeader);
  }

  /** Every request from now on is answered {@code status} with {@code text} as {@code type}. */
  FakeService answering(int status, String type, String text) {
    this.status = status;
    this.contentType = type;
    this.body = text;
    return this;
  }

  /** The recorded header of every request so far, in order. */
  List<String> recorded() {
    return recorded;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
