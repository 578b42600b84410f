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
import com.infrafabric.platform.testing.MutableClock;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
  private final AtomicInteger received = new AtomicInteger();
  private ProviderSettings settings;
  private ProviderRelay relay;
  private OpenedCredential key;
  private final MutableClock clock = MutableClock.at("2099-10-21T07:27:00Z");

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    provider =
        vertx
            // Without h2c detection a connection is counted when it opens, not at its first bytes.
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .connectionHandler(connection -> connections.incrementAndGet())
            .requestHandler(
                request -> {
                  received.incrementAndGet();
                  held.add(request);
                })
            .listen(0, "127.0.0.1")
            .await();
    String origin = "http://127.0.0.1:" + provider.actualPort();
    settings =
        ProviderSettings.openAiCompatible("p", URI.create(origin), "k", List.of("m"))
            .withTimeout(Duration.ofSeconds(20));
    relay = new HttpRelay(vertx, settings, clock);
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

  /**
   * Regression: a provider's {@code Retry-After} in a form the relay did not read (an HTTP-date, a
   * count of seconds of more than six digits) was taken for none, so its 429 held the tenant's
   * calls of that model off not at all and the client was told to retry after a second. Every valid
   * form is read against the relay's clock, at most the provider's breaker reset (30s).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "12 | 12",
        "99999999999999999999 | 30",
        "Wed, 21 Oct 2099 07:27:20 GMT | 20",
        "Wed, 21 Oct 2099 07:28:00 GMT | 30",
        "Wednesday, 21-Oct-99 07:27:05 GMT | 5",
        "Wed Oct 21 07:27:09 2099 | 9",
        "Tue, 20 Oct 2099 07:28:00 GMT | 0"
      })
  void aRateLimitsRetryAfterIsReadInEveryFormOfHttp(String header, long seconds) {
    Future<ProviderReply> reply = chat();
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    held.poll().response().setStatusCode(429).putHeader("retry-after", header).end("{}");

    assertThat(((ProviderReply.Failed) Await.result(reply)).retryAfter())
        .hasValue(Duration.ofSeconds(seconds));
  }

  /**
   * Regression: a call queued behind a pool full of stalled streams waited for one of them to end
   * (28 s in the probe: the provider's timeout did not cover the wait for a connection). It is now
   * refused once the connection wait passes: unsent, final (not the provider's failure, so not its
   * breaker's), with a second's {@code Retry-After}. The pool holds twice the provider's {@code
   * maxConnections}, which the gateway's tenant slots may admit.
   */
  @Test
  void aCallThatGetsNoConnectionWithinTheWaitIsRefusedAtOnceAndNotSent() {
    ProviderRelay small =
        new HttpRelay(vertx, settings.withConnections(Duration.ofMillis(300), 1), clock);
    List<Future<ProviderReply>> holding = List.of(chat(small), chat(small));
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);

    long started = System.nanoTime();
    ProviderReply queued = Await.result(chat(small));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(queued).isInstanceOf(ProviderReply.Failed.class);
    ProviderReply.Failed busy = (ProviderReply.Failed) queued;
    assertThat(busy.retryable()).isFalse();
    assertThat(busy.retryAfter()).contains(Duration.ofSeconds(1));
    assertThat(busy.reason())
        .contains("no connection within 300 ms, all 2 carry calls", "the request was not sent");
    answerAll();
    holding.forEach(reply -> drain(Await.result(reply)));
    assertThat(received.get()).isEqualTo(2);
    small.close();
  }

  /**
   * Regression: a call whose caller left while it waited for a connection was sent once one freed
   * up, and the provider billed it. Cancelled before it is sent, it is never sent.
   */
  @Test
  void aCallCancelledWhileItWaitsForAConnectionIsNeverSent() {
    ProviderRelay small =
        new HttpRelay(vertx, settings.withConnections(Duration.ofSeconds(10), 1), clock);
    List<Future<ProviderReply>> holding = List.of(chat(small), chat(small));
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);
    Cancellation leaving = new Cancellation();
    Future<ProviderReply> queued =
        small.post("/chat/completions", Map.of(), Buffer.buffer("{}"), Optional.of(key), leaving);

    leaving.cancel();
    assertThat(Await.result(queued)).isInstanceOf(ProviderReply.Failed.class);
    answerAll();
    holding.forEach(reply -> drain(Await.result(reply)));
    Future<ProviderReply> next = chat(small);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    answerAll();
    drain(Await.result(next));

    assertThat(received.get()).isEqualTo(3);
    small.close();
  }

  /**
   * Regression: a provider that sent its answer's head and a first chunk, then nothing, held the
   * call for as long as its reader waited (a stream, ten minutes). The answer now fails once no
   * byte came for the provider's timeout, as a cut connection does.
   */
  @Test
  void anAnswerThatStallsFailsOnceNoByteCameForTheTimeout() {
    ProviderRelay quick = new HttpRelay(vertx, settings.withTimeout(Duration.ofMillis(500)), clock);
    Future<ProviderReply> reply = chat(quick);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    held.poll().response().setChunked(true).write("data: {}\n\n");
    AnswerBody body = ((ProviderReply.Opened) Await.result(reply)).body();
    Promise<Void> read = Promise.promise();

    long started = System.nanoTime();
    body.handler(chunk -> {}).exceptionHandler(read::tryFail).endHandler(read::tryComplete);
    body.resume();

    await().atMost(Duration.ofSeconds(10)).until(() -> read.future().isComplete());
    assertThat(read.future().failed()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    quick.close();
  }

  /**
   * Regression: a redirect (or any status a provider's API does not answer with) was taken for a
   * refusal and relayed as it came, an empty 302 or 307 the SDKs cannot read; a head of thousands
   * of headers failed as if no answer had come. Both are answers that cannot be read.
   */
  @Test
  void aStatusTheApiDoesNotAnswerWithAndAnUnreadableHeadAreUnreadableAnswers() {
    for (int status : new int[] {302, 307, 204}) {
      Future<ProviderReply> reply = chat();
      await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
      held.poll().response().setStatusCode(status).putHeader("location", "/elsewhere").end();
      assertThat(Await.result(reply))
          .as("status %d", status)
          .isEqualTo(
              new ProviderReply.Unreadable(
                  "p answered " + status + ", a status its API does not answer with"));
    }
    Future<ProviderReply> reply = chat();
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    HttpServerRequest request = held.poll();
    IntStream.range(0, 2000).forEach(i -> request.response().putHeader("x-h-" + i, "value " + i));
    request.response().end("{}");
    assertThat(Await.result(reply)).isInstanceOf(ProviderReply.Unreadable.class);
  }

  /** A chat completion posted with the test's key, as the gateway posts one. */
  private Future<ProviderReply> chat() {
    return chat(relay);
  }

  private Future<ProviderReply> chat(ProviderRelay through) {
    return through.post(
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
