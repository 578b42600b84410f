package com.infrafabric.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One HTTP exchange with a peer the operator configured (a provider, the governor), bounded in
 * total time and response size: a peer that never answers, drips bytes or sends without end cannot
 * hold a call longer than its deadline or fill memory. The request is reset when the deadline
 * passes or the caller cancels.
 */
public final class BoundedExchange {

  /** Larger answers are refused: a chat completion or a budget answer is far smaller. */
  public static final int MAX_RESPONSE_BYTES = 4 << 20;

  private BoundedExchange() {}

  /**
   * A complete response.
   *
   * @param status HTTP status
   * @param retryAfter the {@code Retry-After} header, or null
   * @param body the body
   */
  public record Received(int status, String retryAfter, Buffer body) {}

  /**
   * Why an exchange ended without a response, and whether the request had been sent: after that,
   * the peer may have acted on it.
   */
  public static final class Incomplete extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;
    private final boolean sent;

    Incomplete(String message, boolean timedOut, boolean sent) {
      super(message, null, false, false);
      this.timedOut = timedOut;
      this.sent = sent;
    }

    public boolean timedOut() {
      return timedOut;
    }

    /** True if the request was sent on an open connection: the peer may have it. */
    public boolean sent() {
      return sent;
    }
  }

  /**
   * Sends {@code body} and reads the whole response within {@code total}.
   *
   * @return the response, or a failed future with {@link Incomplete} (timeout, too large,
   *     cancelled, or any failure once the request was sent), the client's failure to connect, or
   *     what starting the request threw
   */
  public static Future<Received> send(
      Vertx vertx,
      HttpClient client,
      RequestOptions options,
      Buffer body,
      Duration total,
      Cancellation cancellation) {
    Promise<Received> done = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer =
        vertx.setTimer(
            total.toMillis(),
            id -> abort(done, sent, "no answer within " + total.toMillis() + " ms", true));
    cancellation.onCancel(() -> abort(done, sent, "the call was cancelled", false));
    // Started on an event-loop context so the response handlers are set in the task that sees the
    // response; set from a guest or caller thread they raced the event loop, and a response that
    // ended first left the call waiting for its deadline (as HttpEgress found before).
    vertx
        .getOrCreateContext()
        .runOnContext(
            start -> {
              try {
                start(client, options, body, total, done, sent);
              } catch (RuntimeException fault) {
                // Thrown on the event loop, it would only reach Vert.x's log and leave the call
                // waiting for its deadline.
                done.tryFail(fault);
              }
            });
    return done.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  /** Sends the request, unless the call was cancelled or timed out before it could start. */
  private static void start(
      HttpClient client,
      RequestOptions options,
      Buffer body,
      Duration total,
      Promise<Received> done,
      AtomicReference<HttpClientRequest> sent) {
    if (done.future().isComplete()) {
      return;
    }
    client
        .request(options.setConnectTimeout(total.toMillis()))
        .compose(
            request -> {
              sent.set(request);
              return request.send(body);
            })
        .onSuccess(response -> receive(response, done))
        .onFailure(
            failure -> done.tryFail(sent.get() == null ? failure : failedAfterSending(failure)));
  }

  private static Incomplete failedAfterSending(Throwable failure) {
    return new Incomplete(
        "the exchange failed after the request was sent: " + failure.getClass().getSimpleName(),
        false,
        true);
  }

  private static void receive(HttpClientResponse response, Promise<Received> done) {
    Buffer received = Buffer.buffer();
    response.handler(
        chunk -> {
          if (received.length() + chunk.length() > MAX_RESPONSE_BYTES) {
            done.tryFail(
                new Incomplete("the answer exceeds " + MAX_RESPONSE_BYTES + " bytes", false, true));
            response.request().reset();
          } else {
            received.appendBuffer(chunk);
          }
        });
    response.exceptionHandler(failure -> done.tryFail(failedAfterSending(failure)));
    response.endHandler(
        end ->
            done.tryComplete(
                new Received(response.statusCode(), response.getHeader("retry-after"), received)));
  }

  private static void abort(
      Promise<Received> done,
      AtomicReference<HttpClientRequest> sent,
      String reason,
      boolean timedOut) {
    HttpClientRequest request = sent.get();
    if (done.tryFail(new Incomplete(reason, timedOut, request != null)) && request != null) {
      request.reset();
    }
  }
}
