package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's connections to a provider: pooled, kept alive, not five at most, and closed when an
 * answer is given up.
 */
@Timeout(30)
class HttpRelayTest {

  private static final int CALLS = 24;

  private Vertx vertx;
  private HttpServer provider;
  private final AtomicInteger connections = new AtomicInteger();
  private final Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
  private ProviderRelay relay;
  private OpenedCredential key;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    provider =
        vertx
            // Without h2c detection a connection is counted when it opens, not at its first bytes.
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .connectionHandler(connection -> connections.incrementAndGet())
            .requestHandler(held::add)
            .listen(0, "127.0.0.1")
            .await();
    String origin = "http://127.0.0.1:" + provider.actualPort();
    relay =
        new HttpRelay(
            vertx,
            ProviderSettings.openAiCompatible("p", URI.create(origin), "k", List.of("m"))
                .withTimeout(Duration.ofSeconds(20)));
    key =
        new OpenedCredential(
            "k",
            List.of(DestinationPattern.parse(origin)),
            "authorization",
            "Bearer sk-relay",
            "sk-relay",
            ResponsePolicy.full());
  }

  @AfterEach
  void stop() {
    relay.close();
    vertx.close().await();
  }

  /**
   * Calls in flight together each get a connection of their own (Vert.x's default pool of five
   * would hold the rest back until one answered), and the next calls reuse those connections.
   */
  @Test
  void concurrentCallsAreNotQueuedBehindFiveConnectionsAndTheirConnectionsAreReused() {
    List<Future<ProviderReply>> first = calls();
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == CALLS);
    answerAll();
    IntStream.range(0, CALLS).forEach(i -> drain(Await.result(first.get(i))));

    List<Future<ProviderReply>> second = calls();
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == CALLS);
    answerAll();
    second.forEach(reply -> drain(Await.result(reply)));

    assertThat(connections.get()).isEqualTo(CALLS);
  }

  /**
   * A call that gives up a streamed answer closes its connection (HTTP/1.1 has no other way to stop
   * the provider), and the next call gets a new connection rather than the closed one.
   */
  @Test
  void anAnswerGivenUpClosesItsConnectionAndTheNextCallGetsANewOne() {
    Future<ProviderReply> first = chat();
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    HttpServerRequest streaming = held.poll();
    Promise<Void> closed = Promise.promise();
    streaming.connection().closeHandler(closed::tryComplete);
    streaming.response().setChunked(true).write("data: {}\n\n");
    ((ProviderReply.Opened) Await.result(first)).body().reset();
    Await.result(closed.future());

    Future<ProviderReply> next = chat();
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    answerAll();
    drain(Await.result(next));

    assertThat(connections.get()).isEqualTo(2);
  }

  /**
   * Regression: a 500 or 429 (which an alias then falls back from) and an answer given up before
   * anyone read it each logged Vert.x's "Stream reset: 0" at ERROR, for a reset the relay made on
   * purpose. Such a reset closes the connection and logs no error.
   */
  @Test
  void aResetTheRelayMakesOnPurposeLogsNoError() {
    try (LogCapture logs = LogCapture.start()) {
      for (int status : new int[] {500, 429, 200}) {
        Future<ProviderReply> reply = chat();
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
        HttpServerRequest request = held.poll();
        Promise<Void> closed = Promise.promise();
        request.connection().closeHandler(closed::tryComplete);
        // The head and the start of a body: the relay resets an answer it has not read to its end.
        request.response().setStatusCode(status).setChunked(true).write("{\"error\":");
        if (Await.result(reply) instanceof ProviderReply.Opened opened) {
          opened.body().reset();
        }
        Await.result(closed.future());
      }

      assertThat(logs.events())
          .filteredOn(event -> event.getLevel() == Level.ERROR)
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
    }
  }

  /** A chat completion posted with the test's key, as the gateway posts one. */
  private Future<ProviderReply> chat() {
    return relay.post(
        "/chat/completions", Map.of(), Buffer.buffer("{}"), Optional.of(key), new Cancellation());
  }

  private List<Future<ProviderReply>> calls() {
    return IntStream.range(0, CALLS).mapToObj(i -> chat()).toList();
  }

  private void answerAll() {
    for (HttpServerRequest request = held.poll(); request != null; request = held.poll()) {
      request.response().putHeader("content-type", "application/json").end("{}");
    }
  }

  private static void drain(ProviderReply reply) {
    assertThat(reply).isInstanceOf(ProviderReply.Opened.class);
    AnswerBody body = ((ProviderReply.Opened) reply).body();
    Promise<Void> read = Promise.promise();
    body.handler(chunk -> {}).exceptionHandler(read::tryFail).endHandler(read::tryComplete);
    body.resume(); // the relay hands the answer over paused
    Await.result(read.future());
  }
}
