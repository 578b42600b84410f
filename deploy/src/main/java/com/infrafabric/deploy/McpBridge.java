package com.infrafabric.deploy;

import com.infrafabric.chassis.http.InvocationRoutes;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code infrafabric mcp --url URL (--token TOKEN | --token-file FILE) [--grant GRANT]}: the MCP
 * stdio transport on one side (newline-delimited JSON-RPC on stdin and stdout, as clients that
 * launch local servers speak it) and the chassis's Streamable HTTP endpoint on the other. Each line
 * read is POSTed with the bearer token (and the grant, when given); the answer is written as one
 * line; after {@code initialize} the session id and protocol version travel with every message, and
 * the session's notification stream is copied to stdout too. At the end of stdin the session is
 * ended. Only protocol messages go to stdout; diagnostics go to stderr.
 *
 * <p>A message the chassis did not answer in JSON-RPC (no answer within the deadline, a broken
 * connection, an HTTP refusal) is answered by the bridge with a JSON-RPC error, so the client goes
 * on; the bridge still finishes the others, and then exits 1 rather than 0, so a script that runs
 * it learns that not every message reached the chassis.
 */
final class McpBridge {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int PARSE_ERROR = -32700;
  private static final int INVALID_REQUEST = -32600;
  private static final int TRANSPORT_ERROR = -32000;

  private final URI url;
  private final Duration deadline;
  private final String token;
  private final Optional<String> grant;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final ConcurrentLinkedQueue<CompletableFuture<?>> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile String session;
  private volatile String protocolVersion;

  /**
   * A bridge to {@code url} that gives up on an answer after {@code deadline}, so the end of stdin
   * ends it even if the chassis never answers.
   */
  McpBridge(
      URI url,
      Duration deadline,
      String token,
      Optional<String> grant,
      PrintStream out,
      PrintStream err) {
    this.url = url;
    this.deadline = deadline;
    this.token = token;
    this.grant = grant;
    this.out = out;
    this.err = err;
  }

  /**
   * Copies stdin to the endpoint until it ends, waits for every answer and ends the session; 0 if
   * the chassis answered every message, 1 if it failed to answer any (or stdin failed).
   */
  int pump(InputStream in) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          forward(line);
        }
      }
    } catch (IOException e) {
      err.println("infrafabric mcp: stdin failed: " + e.getMessage());
      return 1;
    }
    pending.forEach(CompletableFuture::join);
    endSession();
    int failures = failed.get();
    if (failures > 0) {
      err.println(
          "infrafabric mcp: the chassis did not answer "
              + (failures == 1 ? "1 message" : failures + " messages")
              + " in JSON-RPC");
      return 1;
    }
    return 0;
  }

  private void forward(String line) {
    Object value;
    try {
      value = Json.decodeValue(line);
    } catch (DecodeException e) {
      // The parser's own text names its classes and tokens: nothing a client can act on.
      write(error(null, PARSE_ERROR, "The line is not JSON."));
      return;
    }
    if (!(value instanceof JsonObject || value instanceof JsonArray)) {
      write(
          error(
              null,
              INVALID_REQUEST,
              "A line holds one JSON-RPC message, an object (or, under MCP 2025-03-26, a batch"
                  + " of them, an array)."));
      return;
    }
    // A batch goes as it is: the chassis knows which versions batch, and answers it as a whole.
    JsonObject message = value instanceof JsonObject object ? object : new JsonObject();
    Object id = message.getValue("id");
    boolean initialize = "initialize".equals(message.getValue("method"));
    CompletableFuture<Void> sent =
        http.sendAsync(post(line), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .thenAccept(response -> answered(response, id, initialize))
            .exceptionally(
                failure -> {
                  unanswered(id, "the chassis did not answer: " + reason(failure));
                  return null;
                });
    if (initialize) {
      sent.join(); // later messages need its session id
    } else {
      pending.add(sent);
      pending.removeIf(CompletableFuture::isDone);
    }
  }

  private void answered(HttpResponse<String> response, Object id, boolean initialize) {
    if (initialize && response.statusCode() == 200) {
      session = response.headers().firstValue("Mcp-Session-Id").orElse(null);
      JsonObject result = new JsonObject(response.body()).getJsonObject("result");
      protocolVersion = result == null ? null : result.getString("protocolVersion");
      if (session != null) {
        listen();
      }
    }
    String body = response.body();
    if (body.isEmpty()) {
      return; // 202: a notification was accepted
    }
    Object answer;
    try {
      answer = Json.decodeValue(body);
    } catch (DecodeException notJson) {
      answer = null;
    }
    JsonObject json = answer instanceof JsonObject object ? object : new JsonObject();
    if (answer instanceof JsonArray || json.containsKey("jsonrpc")) {
      write(answer);
    } else {
      unanswered(
          id,
          "HTTP "
              + response.statusCode()
              + " "
              + json.getString("code", "")
              + ": "
              + json.getString("message", body));
    }
  }

  /**
   * Counts a message the chassis did not answer in JSON-RPC and says why: to the client as the
   * request's error answer, on stderr for a notification, which has no answer to carry it.
   */
  private void unanswered(Object id, String reason) {
    failed.incrementAndGet();
    if (id != null) {
      write(error(id, TRANSPORT_ERROR, reason));
    } else {
      err.println("infrafabric mcp: " + reason);
    }
  }

  /** Copies the session's notification stream to stdout, in the background. */
  private void listen() {
    HttpRequest request = request().header("Accept", "text/event-stream").GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenAccept(
            response -> {
              if (response.statusCode() != 200) {
                err.println(
                    "infrafabric mcp: no notification stream (HTTP " + response.statusCode() + ")");
                return;
              }
              try (Stream<String> events = response.body()) {
                events
                    .filter(line -> line.startsWith("data:"))
                    .map(line -> line.substring(5).strip())
                    .forEach(data -> write(new JsonObject(data)));
              }
            })
        .exceptionally(
            failure -> {
              err.println(
                  "infrafabric mcp: the notification stream ended: " + failure.getMessage());
              return null;
            });
  }

  private void endSession() {
    if (session == null) {
      return;
    }
    try {
      http.send(request().DELETE().build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      err.println("infrafabric mcp: could not end the session: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest post(String line) {
    return request()
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(line, StandardCharsets.UTF_8))
        .build();
  }

  private HttpRequest.Builder request() {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url).timeout(deadline).header("Authorization", "Bearer " + token);
    grant.ifPresent(g -> request.header(InvocationRoutes.GRANT_HEADER, g));
    if (session != null) {
      request.header("Mcp-Session-Id", session);
    }
    if (protocolVersion != null) {
      request.header("MCP-Protocol-Version", protocolVersion);
    }
    return request;
  }

  /** One message (or batch) per line: compact JSON never holds a raw line break. */
  private synchronized void write(Object message) {
    out.println(Json.encode(message));
    out.flush();
  }

  private String reason(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return cause instanceof HttpTimeoutException
        ? "no answer within " + deadline.toSeconds() + " s"
        : String.valueOf(cause.getMessage());
  }

  private static JsonObject error(Object id, int code, String message) {
    return new JsonObject()
        .put("jsonrpc", "2.0")
        .put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }
}
