package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The offline provider behind a relay: the request, in OpenAI's or Anthropic's format, is read into
 * the one {@link OfflineProvider}'s request, and its answer is written back in the same format,
 * whole or as the server-sent events that provider would stream, with usage where that format puts
 * it. The reader gets the bytes a networked provider would send, so it meters and settles them the
 * same way. Same request, same bytes. A request the format does not allow is refused (400) in the
 * format's error shape, as the provider would, whether reading it or writing its answer finds the
 * fault. An optional member sent as {@code null} counts as absent, as both providers read it.
 */
final class OfflineRelay implements ProviderRelay {

  private final Vertx vertx;
  private final OfflineProvider provider;

  OfflineRelay(Vertx vertx, OfflineProvider provider) {
    this.vertx = vertx;
    this.provider = provider;
  }

  @Override
  public Future<ProviderReply> post(
      String path,
      Map<String, String> headers,
      Buffer body,
      Optional<OpenedCredential> key,
      Cancellation cancellation) {
    Context context = vertx.getOrCreateContext();
    boolean anthropic = path.equals(ProviderPaths.MESSAGES);
    Function<String, Buffer> refusal = anthropic ? OfflineAnthropic::error : OfflineOpenAi::error;
    try {
      JsonObject request = body.toJsonObject();
      request.getMap().values().removeIf(Objects::isNull);
      return switch (path) {
        case ProviderPaths.CHAT_COMPLETIONS ->
            complete(
                context,
                OfflineOpenAi.request(request),
                c -> OfflineOpenAi.answer(request, c),
                refusal);
        case ProviderPaths.MESSAGES ->
            complete(
                context,
                OfflineAnthropic.request(request),
                c -> OfflineAnthropic.answer(request, c),
                refusal);
        case ProviderPaths.EMBEDDINGS ->
            Future.succeededFuture(
                opened(context, List.of(OfflineOpenAi.embeddings(request, provider))));
        default ->
            Future.succeededFuture(
                new ProviderReply.Refused(
                    404, refusal.apply("the offline provider has no " + path)));
      };
    } catch (IllegalArgumentException
        | DecodeException
        | ClassCastException
        | NullPointerException invalid) {
      return Future.succeededFuture(invalid(refusal, invalid));
    }
  }

  /** The 400 a provider answers a request it cannot read, in its format's error shape. */
  private static ProviderReply invalid(Function<String, Buffer> refusal, RuntimeException fault) {
    String why =
        fault instanceof ClassCastException
            ? "a field has the wrong type"
            : fault instanceof NullPointerException
                ? "a field is null where a value is required"
                : fault.getMessage();
    return new ProviderReply.Refused(400, refusal.apply("invalid request: " + why));
  }

  @Override
  public void close() {
    provider.close();
  }

  private Future<ProviderReply> complete(
      Context context,
      ChatRequest request,
      Function<ChatCompletion, List<Buffer>> render,
      Function<String, Buffer> refusal) {
    return provider
        .complete(request, Optional.empty(), new Cancellation())
        .map(
            reply -> {
              if (!(reply instanceof ProviderReply.Answered answered)) {
                return reply;
              }
              try {
                return opened(context, render.apply(answered.completion()));
              } catch (IllegalArgumentException
                  | ClassCastException
                  | NullPointerException invalid) {
                return invalid(refusal, invalid);
              }
            });
  }

  private static ProviderReply opened(Context context, List<Buffer> chunks) {
    return new ProviderReply.Opened(new ChunkedAnswerBody(context, chunks));
  }

  /**
   * The text of a message's {@code content}: the string, or the {@code text} of each part of an
   * array of parts (any other part as its JSON, so it still counts towards the prompt's size).
   */
  static String text(Object content) {
    if (content == null || content instanceof String) {
      return content == null ? "" : (String) content;
    }
    StringBuilder text = new StringBuilder();
    for (Object part : (JsonArray) content) {
      if (part instanceof JsonObject block && block.getValue("text") instanceof String words) {
        text.append(words);
      } else {
        text.append(part instanceof JsonObject json ? json.encode() : String.valueOf(part));
      }
    }
    return text.toString();
  }

  /**
   * The answer's id: drawn from the request, so the same request gets the same id, like the rest.
   */
  static String id(JsonObject request) {
    return String.format("%08x", request.encode().hashCode());
  }

  /**
   * The array {@code field} of {@code request}.
   *
   * @throws IllegalArgumentException if it is absent
   */
  static JsonArray array(JsonObject request, String field) {
    JsonArray array = request.getJsonArray(field);
    if (array == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return array;
  }

  /**
   * The objects of the array {@code field} of {@code request}.
   *
   * @throws IllegalArgumentException if it is absent or holds anything but objects
   */
  static List<JsonObject> objects(JsonObject request, String field) {
    List<JsonObject> objects = new ArrayList<>();
    JsonArray array = array(request, field);
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject object)) {
        throw new IllegalArgumentException(field + "[" + i + "] must be an object");
      }
      objects.add(object);
    }
    return objects;
  }

  /** The answer's output bound as the provider layer takes it. */
  static int maxTokens(long requested) {
    return (int) Math.min(Integer.MAX_VALUE, requested);
  }

  /** One server-sent event: its {@code event:} line when the format names events, its data. */
  static Buffer event(String name, String data) {
    String head = name == null ? "" : "event: " + name + "\n";
    return Buffer.buffer(head + "data: " + data + "\n\n");
  }
}
