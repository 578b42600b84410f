package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * One attempt at a chat completion in one provider's wire format. Retries, the breaker and budget
 * accounting are not its business ({@link ProviderGate}, {@link LlmGateway}). Never fails its
 * future for what a provider does: a refusal, a timeout or garbage is a {@link
 * ProviderReply.Failed}. Thread-safe.
 */
public interface LlmProvider extends AutoCloseable {

  /**
   * Sends {@code request}.
   *
   * @param key the provider's API key credential; empty for the offline provider
   * @param cancellation aborts the attempt when the tool is stopped
   */
  Future<ProviderReply> complete(
      ChatRequest request, Optional<OpenedCredential> key, Cancellation cancellation);

  /** Releases the provider's HTTP client, if it has one. */
  @Override
  default void close() {}
}
