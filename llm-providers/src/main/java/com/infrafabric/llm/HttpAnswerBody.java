package com.infrafabric.llm;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/** A networked provider's answer: its HTTP response's body; giving it up resets the request. */
final class HttpAnswerBody implements AnswerBody {

  private final HttpClientResponse response;

  HttpAnswerBody(HttpClientResponse response) {
    this.response = response;
  }

  @Override
  public void reset() {
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
