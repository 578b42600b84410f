package com.infrafabric.llm;

/**
 * One configured provider as callers use it: its settings, its wire format and the gate (retries
 * and breakers) every call to it goes through.
 */
public record ProviderRoute(ProviderSettings settings, LlmProvider provider, ProviderGate gate)
    implements AutoCloseable {

  /** Closes the provider's HTTP client. */
  @Override
  public void close() {
    provider.close();
  }
}
