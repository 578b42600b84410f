package com.infrafabric.deploy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * An agent outside any sandbox that calls models through the governor's LLM gateway with the
 * official OpenAI Java SDK, as any agent loop would: base URL and key changed, nothing else. It
 * streams completions on a virtual key whose scope has a small cap until the SDK raises the
 * gateway's refusal, so the demo shows every call charged and the cap holding for calls no tool
 * made. The offline provider answers ({@code serve}'s default), so it needs no network.
 */
final class DemoGatewayAgent {

  /** The scope the key is charged to. */
  static final String SCOPE = DemoScenario.TENANT + "/gateway";

  /**
   * Its lifetime cap, in micro-dollars: a call's worst case (64 output tokens and the body's bytes)
   * is about 60, what the offline model's answer costs about 12, so four calls fit.
   */
  static final long CAP_MICROS = 100;

  static final String MODEL = "gpt-4o-mini";

  /** Stops a run whose cap never refuses: the invariant then fails instead of looping. */
  private static final int MAX_CALLS = 100;

  /**
   * What the agent did: its completed calls, the exception that ended them, and how long the step
   * took (what it adds to the demo's run).
   */
  record Outcome(int calls, String firstAnswer, String refusal, String message, Duration took) {}

  private final ApiClient governor;
  private final String admin;

  /** Creates the key with the tenant {@code admin} token, then calls as the key's holder. */
  DemoGatewayAgent(ApiClient governor, String admin) {
    this.governor = governor;
    this.admin = admin;
  }

  Outcome run() {
    long start = System.nanoTime();
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(governor.uri("/llm/openai/v1").toString())
            .apiKey(virtualKey())
            .maxRetries(0)
            .build();
    try {
      return callUntilRefused(client, start);
    } finally {
      client.close();
    }
  }

  private Outcome callUntilRefused(OpenAIClient client, long start) {
    String first = "";
    for (int calls = 0; calls < MAX_CALLS; calls++) {
      try {
        String answer = streamed(client, calls + 1);
        first = calls == 0 ? answer : first;
      } catch (RateLimitException refused) {
        return new Outcome(
            calls,
            first,
            refused.getClass().getSimpleName(),
            String.valueOf(refused.getMessage()),
            Duration.ofNanos(System.nanoTime() - start));
      }
    }
    return new Outcome(
        MAX_CALLS,
        first,
        "none",
        "the cap never refused a call",
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** One streamed completion, read to its end; its text. */
  private static String streamed(OpenAIClient client, int step) {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model(MODEL)
            .addUserMessage("Plan step " + step + " of the report")
            .maxCompletionTokens(64)
            .build();
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      stream.stream()
          .flatMap(chunk -> chunk.choices().stream())
          .forEach(choice -> text.append(choice.delta().content().orElse("")));
    }
    return text.toString();
  }

  /** A virtual key on {@link #SCOPE} for {@link #MODEL}; its secret. */
  private String virtualKey() {
    ApiClient.Answer created =
        governor.post(
            "/v1/keys",
            admin,
            new JsonObject()
                .put("scope", SCOPE)
                .put("allowed_models", new JsonArray().add(MODEL))
                .put("requests_per_minute", 600)
                .put("tokens_per_minute", 1_000_000)
                .put("metadata", new JsonObject().put("purpose", "demo")));
    if (!created.ok()) {
      throw new IllegalStateException(
          "create the gateway agent's key failed: " + created.status() + " " + created.code());
    }
    return created.body().getString("secret");
  }
}
