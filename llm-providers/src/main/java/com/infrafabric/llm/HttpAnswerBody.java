package com.infrafabric.llm;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A networked provider's answer: its HTTP response's body; giving it up resets the request ({@link
 * #giveUp}).
 */
final class HttpAnswerBody implements AnswerBody {

  private final HttpClientResponse response;

  HttpAnswerBody(HttpClientResponse response) {
    this.response = response;
  }

  @Override
  public void reset() {
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
    response.handler(handler);
    return this;
  }

  @Override
  public AnswerBody exceptionHandler(Handler<Throwable> handler) {
    response.exceptionHandler(handler);
    return this;
  }

  @Override
  public AnswerBody endHandler(Handler<Void> handler) {
    response.endHandler(handler);
    return this;
  }

  @Override
  public AnswerBody pause() {
    response.pause();
    return this;
  }

  @Override
  public AnswerBody resume() {
    response.resume();
    return this;
  }

  @Override
  public AnswerBody fetch(long amount) {
    response.fetch(amount);
    return this;
  }
}
