package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Optional;

/**
 * The provider named {@code offline}: no network, for development and tests without a model. It
 * answers deterministically from the input: the answer names the model and echoes the first words
 * of the last user message, and the usage counts are the host's own input estimate and the answer's
 * length at four characters a token, capped by {@code max_tokens} (the answer is cut to fit, with
 * finish reason {@code length}). Same request, same answer and same cost, every time.
 */
final class OfflineProvider implements LlmProvider {

  private static final int ECHOED_WORDS = 12;

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
