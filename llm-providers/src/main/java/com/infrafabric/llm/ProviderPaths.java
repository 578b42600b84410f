package com.infrafabric.llm;

/**
 * The endpoints of the provider APIs, under a provider's base URL: what the networked providers
 * post to, what a gateway relays to and what the offline provider answers in process.
 */
public final class ProviderPaths {

  /** OpenAI's chat completions. */
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

  /** OpenAI's embeddings. */
  public static final String EMBEDDINGS = "/v1/embeddings";

  /** Anthropic's Messages. */
  public static final String MESSAGES = "/v1/messages";

  private ProviderPaths() {}
}
