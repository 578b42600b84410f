package com.infrafabric.llm;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A networked provider's answer: its HTTP response's body; giving it up resets the request ({@link
 * #giveUp}). While its reader wants bytes (resumed, not paused), a provider that sends none for
 * {@code idle} has stalled: the request is reset and the reader's exception handler is told, as
 * when the connection fails. A provider that sent its head, then nothing, would otherwise hold the
 * call, its connection and its reservation for as long as the reader's own bound (ten minutes for a
 * gateway's stream). The time a reader holds the answer paused (its client reads slowly) is not the
 * provider's and is not counted. Used on the response's context.
 */
final class HttpAnswerBody implements AnswerBody {

  private final Vertx vertx;
  private final Context context;
  private final HttpClientResponse response;
  private final long idleNanos;
  private Handler<Throwable> exceptionHandler = failure -> {};
  private long lastByte;
  private long timer = -1;
  private boolean reading;
  private boolean over;

  HttpAnswerBody(Vertx vertx, HttpClientResponse response, Duration idle) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.response = response;
    this.idleNanos = idle.toNanos();
  }

  @Override
  public void reset() {
    stop();
    giveUp(response);
  }

  /**
   * Resets {@code response}'s request: the provider stops sending, and its connection closes.
   * Whoever gives a response up does not want to hear of the reset it made; a response read by no
   * one would have Vert.x log it as an unhandled error ("Stream reset: 0"), so its failure is taken
   * here. Run on the response's event loop.
   */
  static void giveUp(HttpClientResponse response) {
    response.exceptionHandler(ownReset -> {});
    response.request().reset();
  }

  @Override
  public AnswerBody handler(Handler<Buffer> handler) {
    response.handler(
        chunk -> {
          lastByte = System.nanoTime();
          if (handler != null) {
            handler.handle(chunk);
          }
        });
    return this;
  }

  @Override
  public AnswerBody exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler == null ? failure -> {} : handler;
    response.exceptionHandler(
        failure -> {
          stop();
          exceptionHandler.handle(failure);
        });
    return this;
  }

  @Override
  public AnswerBody endHandler(Handler<Void> handler) {
    response.endHandler(
        end -> {
          stop();
          if (handler != null) {
            handler.handle(end);
          }
        });
    return this;
  }

  @Override
  public AnswerBody pause() {
    reading = false;
    cancelTimer();
    response.pause();
    return this;
  }

  @Override
  public AnswerBody resume() {
    read();
    response.resume();
    return this;
  }

  @Override
  public AnswerBody fetch(long amount) {
    read();
    response.fetch(amount);
    return this;
  }

  /** The reader wants bytes: the provider's silence counts from now. */
  private void read() {
    if (over || reading) {
      return;
    }
    reading = true;
    lastByte = System.nanoTime();
    arm(idleNanos);
  }

  private void arm(long nanos) {
    timer =
        vertx.setTimer(
            Math.max(1, nanos / 1_000_000), id -> context.runOnContext(expired -> check()));
  }

  private void check() {
    timer = -1;
    if (over || !reading) {
      return;
    }
    long silent = System.nanoTime() - lastByte;
    if (silent < idleNanos) {
      arm(idleNanos - silent);
      return;
    }
    Handler<Throwable> told = exceptionHandler;
    reset();
    told.handle(
        new TimeoutException("no byte of the answer came within " + idleNanos / 1_000_000 + " ms"));
  }

  private void stop() {
    over = true;
    cancelTimer();
  }

  private void cancelTimer() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
