package com.infrafabric.deploy;

import com.infrafabric.chassis.http.InvocationRoutes;
import com.infrafabric.chassis.service.ChassisSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>An {@code initialize} always goes without a session id and its answer replaces the session
 * (the one it replaces is ended). When the chassis answers 404 for the session (it ended, expired
 * or was evicted), the bridge drops it and relays the chassis's answer, which tells the client to
 * initialize again; it does not re-initialize behind the client's back, whose state (the negotiated
 * version, subscriptions) belongs to the session it opened.
 *
 * <p>Input is bounded: a line longer than the chassis's default message limit is discarded as it
 * streams and answered with an error (with its id when the line's start or end shows it), a line
 * that is not well-formed UTF-8 is refused as the chassis refuses such a body, and at most {@value
 * #MAX_IN_FLIGHT} messages are in flight: the next line is read when one of them is answered.
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
  private static final int MAX_LINE_BYTES = ChassisSettings.DEFAULT_MAX_INPUT_BYTES;
  static final int MAX_IN_FLIGHT = 16;
  static final Duration STOP_WAIT = Duration.ofSeconds(2);
  static final Duration STREAM_RETRY_FIRST = Duration.ofMillis(500);
  static final Duration STREAM_RETRY_MOST = Duration.ofSeconds(30);

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
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicBoolean sessionEnded = new AtomicBoolean();
  private volatile String session;
  private volatile String protocolVersion;
  private volatile boolean streamDown;
  private volatile boolean closing;

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
    StdinLines lines = new StdinLines(in, MAX_LINE_BYTES);
    try (in) {
      for (StdinLines.Line line = lines.next(); line != null; line = lines.next()) {
        take(line);
      }
    } catch (IOException e) {
      err.println("infrafabric mcp: stdin failed: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    pending.forEach(call -> call.handle((answered, cancelled) -> null).join());
    closing = true;
    endSession(deadline);
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

  private void take(StdinLines.Line line) throws InterruptedException {
    if (line instanceof StdinLines.Text text) {
      if (!text.text().isBlank()) {
        forward(text.text());
      }
    } else if (line instanceof StdinLines.TooLong tooLong) {
      Object id = RequestIds.of(tooLong.head(), tooLong.tail()).orElse(null);
      write(
          error(
              id,
              PARSE_ERROR,
              "The line is too long: "
                  + tooLong.bytes()
                  + " bytes, over the limit of "
                  + MAX_LINE_BYTES
                  + " bytes; it was discarded."));
    } else if (line instanceof StdinLines.NotUtf8 notUtf8) {
      Object id = RequestIds.of(notUtf8.bytes(), notUtf8.bytes()).orElse(null);
      write(error(id, PARSE_ERROR, "The line is not well-formed UTF-8; it was discarded."));
    }
  }

  private void forward(String line) throws InterruptedException {
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
    String carried = initialize ? null : session;
    inFlight.acquire();
    CompletableFuture<Void> sent =
        http.sendAsync(
                post(line, carried), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .thenAccept(response -> answered(response, id, initialize, carried))
            .exceptionally(
                failure -> {
                  unanswered(id, "the chassis did not answer: " + reason(failure));
                  return null;
                })
            .whenComplete((done, failure) -> inFlight.release());
    if (initialize) {
      sent.join(); // later messages need its session id
    } else {
      pending.add(sent);
      pending.removeIf(CompletableFuture::isDone);
    }
  }

  private void answered(
      HttpResponse<String> response, Object id, boolean initialize, String carried) {
    if (initialize && response.statusCode() == 200) {
      opened(response);
    } else if (carried != null && response.statusCode() == 404) {
      ended(carried);
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

  /** Takes the session an initialize opened, ending the one it replaces. */
  private synchronized void opened(HttpResponse<String> response) {
    String replaced = session;
    session = response.headers().firstValue("Mcp-Session-Id").orElse(null);
    JsonObject result = new JsonObject(response.body()).getJsonObject("result");
    protocolVersion = result == null ? null : result.getString("protocolVersion");
    if (replaced != null && !replaced.equals(session)) {
      http.sendAsync(request(replaced).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }
    if (session != null) {
      listen(session, STREAM_RETRY_FIRST);
    }
  }

  /** Drops {@code ended}, which the chassis no longer knows, unless a newer one replaced it. */
  private synchronized void ended(String ended) {
    if (ended.equals(session)) {
      session = null;
      protocolVersion = null;
      err.println(
          "infrafabric mcp: the session ended at the chassis; the client must initialize again");
    }
  }

  /**
   * Copies the session's notification stream to stdout, in the background, for as long as the
   * session is this bridge's: when the stream ends or cannot be opened it is opened again after a
   * backoff ({@link #STREAM_RETRY_FIRST} doubling up to {@link #STREAM_RETRY_MOST}), and stderr
   * says so once per outage. The chassis keeps no stream history, so notifications sent while it
   * was down are lost; the ones that matter (the tool list changed) can be asked again with {@code
   * tools/list}.
   */
  private void listen(String session, Duration backoff) {
    HttpRequest request = request(session).header("Accept", "text/event-stream").GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenApply(response -> streamed(session, response))
        .exceptionally(failure -> "it failed: " + reason(failure))
        .thenAccept(
            ended -> {
              if (ended != null && session.equals(this.session) && !closing) {
                if (!streamDown) {
                  streamDown = true;
                  err.println(
                      "infrafabric mcp: the notification stream ended ("
                          + ended
                          + "); reconnecting");
                }
                Duration next = backoff.multipliedBy(2);
                CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(
                        () ->
                            listen(
                                session,
                                next.compareTo(STREAM_RETRY_MOST) > 0 ? STREAM_RETRY_MOST : next));
              }
            });
  }

  /**
   * Copies one opened stream until it ends; why it ended, or null when the session ended (404),
   * which is not to be retried.
   */
  private String streamed(String session, HttpResponse<Stream<String>> response) {
    try (Stream<String> events = response.body()) {
      if (response.statusCode() == 404) {
        ended(session);
        return null;
      }
      if (response.statusCode() != 200) {
        return "HTTP " + response.statusCode();
      }
      if (streamDown) {
        streamDown = false;
        err.println("infrafabric mcp: the notification stream is back");
      }
      events
          .filter(line -> line.startsWith("data:"))
          .map(line -> line.substring(5).strip())
          .forEach(data -> write(new JsonObject(data)));
      return "the chassis closed it";
    }
  }

  /**
   * What the bridge does when told to stop (SIGTERM, as a client's close escalates to): it stops
   * waiting for the calls in flight and ends the session, whose end cancels those calls at the
   * chassis, waiting at most {@link #STOP_WAIT} for it. Runs once, whichever of the end of stdin
   * and the stop comes first.
   */
  Thread stopHook() {
    return new Thread(
        () -> {
          closing = true;
          pending.forEach(call -> call.cancel(true));
          endSession(STOP_WAIT);
        },
        "infrafabric-mcp-stop");
  }

  private void endSession(Duration wait) {
    String ending = session;
    if (ending == null || !sessionEnded.compareAndSet(false, true)) {
      return;
    }
    try {
      http.send(
          request(ending).timeout(wait).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      err.println("infrafabric mcp: could not end the session: " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest post(String line, String session) {
    return request(session)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(line, StandardCharsets.UTF_8))
        .build();
  }

  /**
   * A request in {@code session}, with its protocol version; with none (null) for an initialize,
   * which opens a session and must not name one.
   */
  private HttpRequest.Builder request(String session) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url).timeout(deadline).header("Authorization", "Bearer " + token);
    grant.ifPresent(g -> request.header(InvocationRoutes.GRANT_HEADER, g));
    String version = protocolVersion;
    if (session != null) {
      request.header("Mcp-Session-Id", session);
      if (version != null) {
        request.header("MCP-Protocol-Version", version);
      }
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
    if (cause instanceof HttpTimeoutException) {
      return "no answer within " + deadline.toSeconds() + " s";
    }
    if (cause instanceof ConnectException) {
      return "could not connect to " + url.getHost() + ":" + url.getPort();
    }
    // Some I/O failures carry no message: their kind is then all there is to say.
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static JsonObject error(Object id, int code, String message) {
    return new JsonObject()
        .put("jsonrpc", "2.0")
        .put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }
}
