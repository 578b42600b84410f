package com.infrafabric.llm;

/** The wire format a provider speaks. */
public enum ProviderFormat {
  /** {@code POST /v1/chat/completions} as OpenAI and compatible servers define it. */
  OPENAI_COMPATIBLE,
  /** {@code POST /v1/messages} as Anthropic defines it. */
  ANTHROPIC,
  /**
   * No network: deterministic answers with realistic token counts, for running without a provider.
   */
  OFFLINE
}
