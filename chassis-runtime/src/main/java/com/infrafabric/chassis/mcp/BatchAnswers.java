package com.infrafabric.chassis.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * The answers of one batch, element by element in its order, until the batch's deadline: from then
 * on no element starts, and each request not answered yet is answered with {@link
 * JsonRpc#REQUEST_TIMEOUT} (one that was running finishes unheard, within its own timeout). Thread
 * safe: elements are answered where their calls complete, the deadline where its timer fires.
 */
final class BatchAnswers {

  private final JsonArray elements;
  private final Duration deadline;
  private final JsonArray answers = new JsonArray();
  private int handled;
  private boolean running;
  private boolean expired;

  BatchAnswers(JsonArray elements, Duration deadline) {
    this.elements = elements;
    this.deadline = deadline;
  }

  /** True if the next element may start: the deadline has not passed. */
  synchronized boolean start() {
    running = !expired;
    return running;
  }

  /** Records the answer of the element that started last; nothing after the deadline. */
  synchronized void answered(Optional<JsonObject> answer) {
    if (expired) {
      return;
    }
    answer.ifPresent(answers::add);
    running = false;
    handled++;
  }

  /** The answers so far, and none more. */
  synchronized JsonArray finish() {
    expired = true;
    return answers.copy();
  }

  /** Ends the batch at its deadline: the answers so far, then why the others have none. */
  synchronized JsonArray expire() {
    expired = true;
    JsonArray all = answers.copy();
    for (int i = handled; i < elements.size(); i++) {
      JsonRpcMessage message = JsonRpcMessage.read(elements.getValue(i));
      if (message instanceof JsonRpcMessage.Invalid invalid) {
        all.add(JsonRpc.response(message.id(), invalid.refusal()));
      } else if (message instanceof JsonRpcMessage.Request request) {
        all.add(JsonRpc.response(request.id(), late(i == handled && running)));
      }
    }
    return all;
  }

  private JsonRpc.Reply.Error late(boolean wasRunning) {
    String when = "The batch's deadline of " + deadline.toMillis() + " ms passed ";
    return JsonRpc.error(
        JsonRpc.REQUEST_TIMEOUT,
        wasRunning
            ? when + "while this request ran: its answer is not known."
            : when + "before this request started: it did not run.");
  }
}
