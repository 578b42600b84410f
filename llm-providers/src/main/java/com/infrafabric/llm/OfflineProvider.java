package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * The provider named {@code offline}: no network, for development and tests without a model. It
 * answers deterministically from the input: the answer names the model and echoes the first words
 * of the last user message, and the usage counts are the host's own input estimate and the answer's
 * length at four characters a token, capped by {@code max_tokens} (the answer is cut to fit, with
 * finish reason {@code length}). It embeds text and token ids too: a unit vector drawn from the
 * model and the input. Same request, same answer and same cost, every time.
 */
final class OfflineProvider implements LlmProvider {

  /** How many dimensions an embedding has unless the request names them. */
  static final int EMBEDDING_DIMENSIONS = 64;

  /** The most dimensions a request may name, as many as OpenAI's largest embedding model has. */
  static final int MAX_EMBEDDING_DIMENSIONS = 3072;

  private static final int ECHOED_WORDS = 12;

  /**
   * One text's embedding.
   *
   * @param vector unit length
   * @param tokens the text's tokens, four characters a token
   */
  record Embedding(float[] vector, long tokens) {}

  @Override
  public Future<ProviderReply> complete(
      ChatRequest request, Optional<OpenedCredential> key, Cancellation cancellation) {
    String answer = "[offline " + request.model() + "] You said: " + lastUserWords(request);
    long answerTokens = tokens(answer);
    String finish = "stop";
    if (answerTokens > request.maxTokens()) {
      answer = answer.substring(0, Math.min(answer.length(), request.maxTokens() * 4));
      answerTokens = request.maxTokens();
      finish = "length";
    }
    TokenUsage usage = new TokenUsage(request.estimatedInputTokens(), 0, answerTokens);
    return Future.succeededFuture(
        new ProviderReply.Answered(new ChatCompletion(request.model(), answer, finish, usage)));
  }

  /**
   * The embedding of {@code text} by {@code model}: drawn from {@link Random}, whose sequence for a
   * seed the JDK specifies, seeded with the model and the text, so every JVM gives the same vector.
   *
   * @throws IllegalArgumentException if {@code dimensions} is outside 1..3072
   */
  Embedding embed(String model, String text, int dimensions) {
    return new Embedding(unitVector(model, text.hashCode(), dimensions), tokens(text));
  }

  /**
   * The embedding of the token ids {@code tokens} by {@code model}, as OpenAI's API also accepts
   * them: drawn like a text's, seeded with the model and the ids; each id is one token.
   *
   * @throws IllegalArgumentException if {@code dimensions} is outside 1..3072
   */
  Embedding embed(String model, long[] tokens, int dimensions) {
    return new Embedding(unitVector(model, Arrays.hashCode(tokens), dimensions), tokens.length);
  }

  private static float[] unitVector(String model, int content, int dimensions) {
    if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
      throw new IllegalArgumentException(
          "dimensions " + dimensions + " is outside 1.." + MAX_EMBEDDING_DIMENSIONS);
    }
    Random random = new Random(((long) model.hashCode() << 32) ^ content);
    double[] values = new double[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      values[i] = random.nextGaussian();
      norm += values[i] * values[i];
    }
    float[] vector = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      vector[i] = (float) (values[i] / Math.sqrt(norm));
    }
    return vector;
  }

  private static String lastUserWords(ChatRequest request) {
    String text =
        request.messages().stream()
            .filter(m -> m.role().equals("user"))
            .reduce((first, second) -> second)
            .map(ChatMessage::content)
            .orElse("");
    String[] words = text.strip().split("\\s+");
    return String.join(" ", Arrays.copyOf(words, Math.min(words.length, ECHOED_WORDS)));
  }

  private static long tokens(String text) {
    return (text.length() + 3) / 4;
  }
}
