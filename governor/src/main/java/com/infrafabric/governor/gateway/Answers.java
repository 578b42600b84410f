package com.infrafabric.governor.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.infrafabric.llm.AnswerBody;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Reads a provider's complete (not streamed) answer, bounded in size, silence and time. */
final class Answers {

  private static final String USAGE = "usage";

  private Answers() {}

  /**
   * The whole body of {@code response} (opened and paused); fails if it exceeds {@code maxBytes},
   * takes longer than {@code maxDuration} in all or the connection fails, resetting the request.
   * Each silence of the provider is bounded by {@code response} itself (its provider's {@code
   * timeout}, restarted by every chunk): a large answer, or one the gateway reads slowly under
   * load, takes many such timeouts to arrive whole, so the whole answer is held only to {@code
   * maxDuration}, the bound a stream is held to, never to one silence's.
   */
  static Future<Buffer> read(
      Vertx vertx, AnswerBody response, long maxBytes, Duration maxDuration) {
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    long timer =
        vertx.setTimer(
            maxDuration.toMillis(),
            id -> {
              if (done.tryFail(
                  "no complete answer within the "
                      + maxDuration.toSeconds()
                      + " s the gateway reads an answer")) {
                response.reset();
              }
            });
    response.handler(
        chunk -> {
          if (body.length() + chunk.length() > maxBytes) {
            if (done.tryFail("the answer exceeds " + maxBytes + " bytes")) {
              response.reset();
            }
          } else {
            body.appendBuffer(chunk);
          }
        });
    response.exceptionHandler(done::tryFail);
    response.endHandler(end -> done.tryComplete(body));
    response.resume();
    return done.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  /**
   * The {@code usage} object of {@code answer}, a complete answer; empty if there is no answer, if
   * it is not one JSON object (read as {@link Buffer#toJsonObject} reads it), or if its {@code
   * usage} is absent or not an object, or if the answer repeats a member name anywhere ({@link
   * com.infrafabric.llm.ProviderJson}: decoded, the last copy of a repeated {@code usage} or count
   * would win, and a provider could have a call charged at nothing). Only {@code usage} is decoded:
   * the rest of the answer (the text, an embedding's thousands of numbers) is checked for
   * well-formedness as it is skipped, and never turned into objects.
   */
  static Optional<JsonObject> usage(Buffer answer) {
    if (answer == null) {
      return Optional.empty();
    }
    try (JsonParser parser = JacksonCodec.createParser(answer)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      Object usage = null; // JacksonCodec's reading: a Map for an object
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean isUsage = USAGE.equals(parser.currentName());
        parser.nextToken();
        if (isUsage) {
          usage = JacksonCodec.parseValue(parser);
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        return Optional.empty();
      }
      return usage instanceof Map<?, ?> object
          ? Optional.of(new JsonObject(uncheckedCast(object)))
          : Optional.empty();
    } catch (IOException | DecodeException notJson) {
      return Optional.empty();
    }
  }

  /**
   * True if {@code body} is one JSON object, well-formed to its end: what a provider's refusal must
   * be to be relayed as it wrote it, since the SDKs read an error's body as their dialect's JSON.
   */
  static boolean isJsonObject(Buffer body) {
    try (JsonParser parser = JacksonCodec.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException | DecodeException notJson) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> uncheckedCast(Map<?, ?> object) {
    return (Map<String, Object>) object; // JSON object keys are strings
  }
}
