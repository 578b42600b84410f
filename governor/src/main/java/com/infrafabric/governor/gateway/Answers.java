package com.infrafabric.governor.gateway;

import com.infrafabric.llm.AnswerBody;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/** Reads a provider's complete (not streamed) answer, bounded in size and time. */
final class Answers {

  private Answers() {}

  /**
   * The whole body of {@code response} (opened and paused); fails if it exceeds {@code maxBytes},
   * takes longer than {@code timeout} or the connection fails, resetting the request.
   */
  static Future<Buffer> read(Vertx vertx, AnswerBody response, long maxBytes, Duration timeout) {
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            id -> {
              if (done.tryFail("no complete answer within " + timeout.toMillis() + " ms")) {
                response.reset();
              }
            });
    response.handler(
        chunk -> {
          if (body.length() + chunk.length() > maxBytes) {
            if (done.tryFail("the answer exceeds " + maxBytes + " bytes")) {
              response.reset();
            }
          } else {
            body.appendBuffer(chunk);
          }
        });
    response.exceptionHandler(done::tryFail);
    response.endHandler(end -> done.tryComplete(body));
    response.resume();
    return done.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  /** {@code answer} as a JSON object; empty if there is none or it is not one. */
  static Optional<JsonObject> json(Buffer answer) {
    if (answer == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(answer.toJsonObject());
    } catch (DecodeException | ClassCastException notJson) {
      return Optional.empty();
    }
  }
}
