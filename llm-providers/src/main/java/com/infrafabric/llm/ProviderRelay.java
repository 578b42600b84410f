package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Sends a request the caller already wrote in the provider's own format (a gateway relaying an
 * SDK's call) and hands back the provider's answer as the provider writes it: {@link
 * ProviderReply.Opened} with the body unread, so a stream can be piped as it comes; {@link
 * ProviderReply.Refused} on a refusal of the request itself; {@link ProviderReply.Failed} when
 * trying again may work. Whatever serves the model, the caller reads the same bytes: a networked
 * provider's over HTTP, the offline provider's rendered in process in the format asked for. Run it
 * under the provider's {@link ProviderGate}.
 *
 * <p>Thread-safe; never blocks. {@link #close()} releases what the relay holds.
 */
public interface ProviderRelay extends AutoCloseable {

  /** A refusal's answer is read up to this size: an error object is far smaller. */
  int MAX_REFUSAL_BYTES = 64 << 10;

  /**
   * The relay of the provider {@code settings} configure, in its format; {@code clock} is what a
   * provider's {@code Retry-After} date is read against.
   */
  static ProviderRelay of(Vertx vertx, ProviderSettings settings, Clock clock) {
    return settings.format() == ProviderFormat.OFFLINE
        ? new OfflineRelay(vertx, new OfflineProvider())
        : new HttpRelay(vertx, settings, clock);
  }

  /**
   * Posts {@code body} to {@code path}, one of {@link ProviderPaths}, with {@code headers}.
   *
   * @param key the operator's credential for the provider; empty for the offline provider, and a
   *     networked provider then sends nothing and fails finally
   * @param cancellation ends the call if its request is not sent yet, which is then never sent; a
   *     request the provider has is not aborted, since the provider may make and bill it
   */
  Future<ProviderReply> post(
      String path,
      Map<String, String> headers,
      Buffer body,
      Optional<OpenedCredential> key,
      Cancellation cancellation);

  @Override
  void close();
}
