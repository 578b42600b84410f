package com.infrafabric.llm;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * An answer made in process, handed out as a provider's connection would: one chunk per turn of the
 * event loop, only while the reader asks for more (so a reader that pauses holds it back), then its
 * end. Used on one context; not thread-safe.
 */
final class ChunkedAnswerBody implements AnswerBody {

  private final Context context;
  private final List<Buffer> chunks;
  private Handler<Buffer> handler = chunk -> {};
  private Handler<Void> endHandler = end -> {};
  private long demand;
  private int next;
  private boolean scheduled;
  private boolean finished;

  /** Paused; {@code chunks} are delivered on {@code context}. */
  ChunkedAnswerBody(Context context, List<Buffer> chunks) {
    this.context = context;
    this.chunks = List.copyOf(chunks);
  }

  @Override
  public void reset() {
    finished = true;
  }

  @Override
  public AnswerBody handler(Handler<Buffer> handler) {
    this.handler = handler == null ? chunk -> {} : handler;
    return this;
  }

  /** Nothing fails in process: the handler is never called. */
  @Override
  public AnswerBody exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public AnswerBody endHandler(Handler<Void> handler) {
    this.endHandler = handler == null ? end -> {} : handler;
    return this;
  }

  @Override
  public AnswerBody pause() {
    demand = 0;
    return this;
  }

  @Override
  public AnswerBody resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public AnswerBody fetch(long amount) {
    demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  private void schedule() {
    if (!scheduled && !finished && demand > 0) {
      scheduled = true;
      context.runOnContext(turn -> deliver());
    }
  }

  private void deliver() {
    scheduled = false;
    if (finished || demand == 0) {
      return;
    }
    if (next == chunks.size()) {
      finished = true;
      endHandler.handle(null);
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    handler.handle(chunks.get(next++));
    schedule();
  }
}
