package com.infrafabric.governor.gateway;

import com.infrafabric.llm.AnswerBody;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderReply;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.platform.limit.TenantSlots;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Each tenant's share of a networked provider's connections on this node ({@link TenantSlots},
 * bound {@link ProviderSettings#maxConnections}), from the request sent until the answer is read to
 * its end or given up. Every connection carries one call (HTTP/1.1), and a stream holds its
 * connection as long as the provider keeps it open: without a share, one tenant's stalled streams
 * filled the pool and every other tenant's calls waited behind them, and with a plain half each,
 * two tenants' stalled streams did. A call the slots refuse is not sent to that provider ({@link
 * #Refused}) and goes on to the next target; the relay's pool holds the twice {@code
 * maxConnections} the slots may admit ({@link com.infrafabric.llm.ProviderEndpoint}), so an
 * admitted call finds a connection at once, and {@code connectionWait} bounds only the making of
 * one. The offline provider holds no connection and has no share. Thread-safe.
 */
final class UpstreamShares {

  /** Each networked provider's slots, by provider name. */
  private final Map<String, TenantSlots> slots = new ConcurrentHashMap<>();

  /** What one tenant's call on one provider was given: a hold, or why not. */
  sealed interface Taken permits Hold, Refused {}

  /** Why a call was not sent to a provider: not sent, final, retry in a second. */
  record Refused(ProviderReply.Failed reply) implements Taken {}

  /** One call's hold on its tenant's share; released once, however often it is asked to be. */
  static final class Hold implements Taken {
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

  /** A hold on one of {@code tenant}'s slots of {@code provider}, or why it has none. */
  Taken take(ProviderSettings provider, String tenant) {
    if (provider.format() == ProviderFormat.OFFLINE) {
      return new Hold(() -> {});
    }
    TenantSlots providerSlots =
        slots.computeIfAbsent(provider.name(), name -> new TenantSlots(provider.maxConnections()));
    TenantSlots.Decision decision = providerSlots.take(tenant);
    if (decision == TenantSlots.Decision.ADMITTED) {
      return new Hold(() -> providerSlots.release(tenant));
    }
    String why =
        decision == TenantSlots.Decision.TENANT_SHARE
            ? "tenant "
                + tenant
                + " has "
                + providerSlots.tenantShare()
                + " calls in flight to "
                + provider.name()
                + ", its share of the provider's connections on this node"
            : "every connection to "
                + provider.name()
                + " on this node carries a call, and tenant "
                + tenant
                + " has its fair share of them";
    return new Refused(
        new ProviderReply.Failed(
            false,
            false,
            false,
            why + "; the request was not sent",
            Optional.of(Duration.ofSeconds(1))));
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
