package com.infrafabric.governor.gateway;

import com.infrafabric.llm.AnswerBody;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderReply;
import com.infrafabric.llm.ProviderSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Each tenant's share of a networked provider's connections on this node: a tenant may have at most
 * half of them ({@link ProviderSettings#maxConnections}) carrying its calls at once, from the
 * request sent until the answer is read to its end or given up. Every connection carries one call
 * (HTTP/1.1), and a stream holds its connection as long as the provider keeps it open: without a
 * share, one tenant's stalled streams filled the pool and every other tenant's calls waited behind
 * them. A call past its tenant's share is not sent to that provider ({@link #full}); the pool's
 * other half stays for the other tenants, and a call that still finds no connection waits at most
 * the provider's {@code connectionWait}. The offline provider holds no connection and has no share.
 * Thread-safe.
 */
final class UpstreamShares {

  /** Calls in flight by provider and tenant; an entry is removed when its count reaches zero. */
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

  /** One call's hold on its tenant's share; released once, however often it is asked to be. */
  static final class Hold {
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    private Hold(Runnable release) {
      this.release = release;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        release.run();
      }
    }
  }

  /** How many calls one tenant may have in flight to {@code provider} on this node. */
  static int share(ProviderSettings provider) {
    return Math.max(1, provider.maxConnections() / 2);
  }

  /** A hold on one of {@code tenant}'s share of {@code provider}; empty when it has all of it. */
  Optional<Hold> take(ProviderSettings provider, String tenant) {
    if (provider.format() == ProviderFormat.OFFLINE) {
      return Optional.of(new Hold(() -> {}));
    }
    String key = provider.name() + '\n' + tenant;
    int share = share(provider);
    boolean[] taken = new boolean[1];
    inFlight.compute(
        key,
        (k, held) -> {
          int now = held == null ? 0 : held;
          taken[0] = now < share;
          return taken[0] ? now + 1 : held;
        });
    return taken[0]
        ? Optional.of(new Hold(() -> inFlight.computeIfPresent(key, UpstreamShares::less)))
        : Optional.empty();
  }

  private static Integer less(String key, Integer held) {
    return held <= 1 ? null : held - 1;
  }

  /** What a call past {@code tenant}'s share of {@code provider} comes to: not sent, final. */
  static ProviderReply.Failed full(ProviderSettings provider, String tenant) {
    return new ProviderReply.Failed(
        false,
        false,
        "tenant "
            + tenant
            + " has "
            + share(provider)
            + " calls in flight to "
            + provider.name()
            + ", its share of the provider's connections on this node; the request was not sent",
        Optional.of(Duration.ofSeconds(1)));
  }

  /**
   * {@code reply} with {@code hold} released when its call lets go of the provider's connection: at
   * once for any reply but an opened answer, else when that answer ends, fails or is given up.
   */
  static Future<ProviderReply> heldUntilRead(Future<ProviderReply> reply, Hold hold) {
    return reply
        .onFailure(failure -> hold.release())
        .map(
            replied -> {
              if (replied instanceof ProviderReply.Opened opened) {
                return new ProviderReply.Opened(new Held(opened.body(), hold));
              }
              hold.release();
              return replied;
            });
  }

  /** An answer whose end, failure or reset releases its call's hold. */
  private static final class Held implements AnswerBody {
    private final AnswerBody body;
    private final Hold hold;

    Held(AnswerBody body, Hold hold) {
      this.body = body;
      this.hold = hold;
    }

    @Override
    public void reset() {
      hold.release();
      body.reset();
    }

    @Override
    public AnswerBody handler(Handler<Buffer> handler) {
      body.handler(handler);
      return this;
    }

    @Override
    public AnswerBody exceptionHandler(Handler<Throwable> handler) {
      body.exceptionHandler(
          failure -> {
            hold.release();
            if (handler != null) {
              handler.handle(failure);
            }
          });
      return this;
    }

    @Override
    public AnswerBody endHandler(Handler<Void> handler) {
      body.endHandler(
          end -> {
            hold.release();
            if (handler != null) {
              handler.handle(end);
            }
          });
      return this;
    }

    @Override
    public AnswerBody pause() {
      body.pause();
      return this;
    }

    @Override
    public AnswerBody resume() {
      body.resume();
      return this;
    }

    @Override
    public AnswerBody fetch(long amount) {
      body.fetch(amount);
      return this;
    }
  }
}
