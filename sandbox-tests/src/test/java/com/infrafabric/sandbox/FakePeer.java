package com.infrafabric.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.llm.testing.Base32;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * A misbehaving HTTP peer on loopback for egress tests: honest, redirecting (to itself, in a loop,
 * to the metadata address, anywhere it is told), silent, endless, with oversized headers, and a
 * reflecting origin: it echoes the request headers back (plainly, in Base64, MIME Base64,
 * compressed), reflects the {@code authorization} header in every way a thief would ask for (hex in
 * a header name, percent- or <code>&#92;u</code>-escaped, upper-cased, Base32, HTML references
 * without {@code ;}, UTF-16 of either byte order, UTF-32 and EBCDIC, halves or 7-byte pieces in a
 * repeated header, reversed, one character per status code), and stores it to hand back later to a
 * request without it. It records every request's headers. It only ever listens on loopback
 * addresses, 127.0.0.1 unless told others; nothing in these tests sends traffic anywhere else.
 */
final class FakePeer implements AutoCloseable {

  private static final long ENDLESS_CAP = 16L << 20;

  private static final int PIECE = 7;

  private final Vertx vertx;
  private final HttpServer server;
  private final List<MultiMap> received;

  private FakePeer(Vertx vertx, HttpServer server, List<MultiMap> received) {
    this.vertx = vertx;
    this.server = server;
    this.received = received;
  }

  static FakePeer start() {
    return startOn("127.0.0.1");
  }

  /**
   * One peer, its stored secret shared, listening on each of {@code addresses} (loopback ones only)
   * on one port: a server bound to a wildcard, which answers on every address of its host.
   */
  static FakePeer startOn(String... addresses) {
    Vertx vertx = Vertx.vertx();
    List<MultiMap> received = new CopyOnWriteArrayList<>();
    AtomicReference<String> stored = new AtomicReference<>("");
    Handler<HttpServerRequest> handler =
        request -> {
          received.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
          if (!reflect(request, stored)) {
            handle(request);
          }
        };
    HttpServer first =
        vertx.createHttpServer().requestHandler(handler).listen(0, addresses[0]).await();
    for (String other : List.of(addresses).subList(1, addresses.length)) {
      vertx.createHttpServer().requestHandler(handler).listen(first.actualPort(), other).await();
    }
    return new FakePeer(vertx, first, received);
  }

  int port() {
    return server.actualPort();
  }

  String origin() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * {@code config} reaching {@code peers} over plain HTTP on loopback, through one narrow exemption
   * each (127.0.0.1/32 on its port), and nothing else it did not reach before.
   */
  static OperatorSettings.Builder reachable(OperatorSettings.Builder config, FakePeer... peers) {
    return config
        .allowedSchemes(Set.of("http", "https"))
        .trustedTargets(
            java.util.Arrays.stream(peers).map(peer -> "127.0.0.1/32:" + peer.port()).toList());
  }

  /**
   * The operator's egress settings under which guests reach this peer and nothing else on loopback:
   * http and https, ports 80, 443 and 8080, and this peer's port as the one trusted target.
   */
  Consumer<OperatorSettings.Builder> reachableAlone() {
    return config -> reachable(config, this).allowedPorts(Set.of(80, 443, 8080));
  }

  /** The headers of every request received so far. */
  List<MultiMap> received() {
    return List.copyOf(received);
  }

  private static void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    switch (request.path()) {
      case "/echo" -> response.putHeader("x-echo", echo(request)).end(echo(request));
      case "/echo-base64" ->
          response.end(Base64.getEncoder().encodeToString(echo(request).getBytes(UTF_8)));
      case "/echo-gzip" -> response.putHeader("content-encoding", "gzip").end(gzip(echo(request)));
      case "/redirect" -> redirect(response, request.getParam("to"));
      case "/reset" -> request.connection().close();
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

  /** Answers the reflecting paths; false for any other. */
  private static boolean reflect(HttpServerRequest request, AtomicReference<String> stored) {
    HttpServerResponse response = request.response();
    String auth = String.valueOf(request.getHeader("authorization"));
    switch (request.path()) {
      case "/echo-mime" ->
          response.end(Base64.getMimeEncoder().encodeToString(echo(request).getBytes(UTF_8)));
      case "/echo-hex-name" ->
          response.putHeader("x-" + HexFormat.of().formatHex(auth.getBytes(UTF_8)), "1").end("{}");
      case "/echo-percent" -> response.end("auth=" + escapeEvery(auth, "%%%02X"));
      case "/echo-unicode" -> response.end("{\"auth\":\"" + escapeEvery(auth, "\\u%04x") + "\"}");
      case "/echo-halves" -> {
        int half = auth.length() / 2;
        response
            .headers()
            .add("x-half", auth.substring(0, half))
            .add("x-half", auth.substring(half));
        response.end("{}");
      }
      case "/echo-pieces" -> {
        pieces(auth).forEach(piece -> response.headers().add("x-piece", piece));
        response.end(String.join("|", pieces(auth)));
      }
      case "/echo-reversed" -> response.end(new StringBuilder(auth).reverse().toString());
      case "/echo-upper" -> response.end(auth.toUpperCase(Locale.ROOT));
      case "/echo-base32" -> response.end(Base32.STANDARD.encode(auth.getBytes(UTF_8)));
      case "/echo-html" -> response.end("<b>" + escapeEvery(auth, "&#%d") + "</b>");
      case "/echo-utf16le" -> endIn(response, "utf-16le", auth);
      case "/echo-utf16be" -> endIn(response, "utf-16be", auth);
      case "/echo-utf32" -> endIn(response, "utf-32", auth);
      case "/echo-ebcdic" -> endIn(response, "IBM037", auth);
      case "/status" ->
          response.setStatusCode(200 + auth.charAt(Integer.parseInt(request.getParam("i")))).end();
      case "/store" -> {
        stored.set(auth);
        response.setStatusCode(204).end();
      }
      case "/stored" -> response.end(stored.get());
      case "/stored-pieces" -> response.end(String.join("|", pieces(stored.get())));
      case "/stored-gzip" -> response.putHeader("content-encoding", "gzip").end(gzip(stored.get()));
      default -> {
        return false;
      }
    }
    return true;
  }

  /** {@code text} as a body in {@code charset}, declared so. */
  private static void endIn(HttpServerResponse response, String charset, String text) {
    response
        .putHeader("content-type", "text/plain; charset=" + charset)
        .end(Buffer.buffer(text.getBytes(Charset.forName(charset))));
  }

  private static List<String> pieces(String text) {
    List<String> pieces = new java.util.ArrayList<>();
    for (int i = 0; i < text.length(); i += PIECE) {
      pieces.add(text.substring(i, Math.min(text.length(), i + PIECE)));
    }
    return pieces;
  }

  private static String escapeEvery(String text, String format) {
    StringBuilder escaped = new StringBuilder();
    for (char c : text.toCharArray()) {
      escaped.append(String.format(format, (int) c));
    }
    return escaped.toString();
  }

  private static String echo(HttpServerRequest request) {
    JsonObject headers = new JsonObject();
    request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    return headers.encode();
  }

  private static Buffer gzip(String text) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        out.write(text.getBytes(UTF_8));
      }
      return Buffer.buffer(bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
