package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP side shared by the networked providers: one JSON POST to the configured endpoint with
 * the API key's header, bounded by the attempt timeout, and the answer classified. 429, 5xx,
 * timeouts before the request was sent and connection failures are retryable; other statuses are
 * final; an exchange that failed once the request was sent is {@link ProviderReply.Unknown}.
 * Failure reasons name the status or the failure's kind, never a body; what reaches the tool passes
 * the invocation's guest boundary, which guards the key.
 */
final class ProviderHttp {

  private final Vertx vertx;
  private final HttpClient client;
  private final ProviderSettings settings;
  private final ProviderEndpoint endpoint;
  private final Clock clock;

  /**
   * @param clock what a provider's {@code Retry-After} date is read against ({@link RetryAfter})
   */
  ProviderHttp(Vertx vertx, ProviderSettings settings, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    this.endpoint = new ProviderEndpoint(settings);
    this.client = endpoint.client(vertx, settings.maxConnections());
  }

  /**
   * Posts {@code body} to {@code path} under the endpoint and parses a 200 answer with {@code
   * parse}, which throws {@link IllegalArgumentException} or a JSON exception when the answer is
   * not what the format promises.
   */
  Future<ProviderReply> post(
      String path,
      Map<String, String> headers,
      JsonObject body,
      Optional<OpenedCredential> key,
      Cancellation cancellation,
      Function<JsonObject, ChatCompletion> parse) {
    OpenedCredential credential = key.orElseThrow();
    Optional<ProviderReply> refusal = endpoint.refusal(credential);
    if (refusal.isPresent()) {
      return Future.succeededFuture(refusal.get());
    }
    RequestOptions options = endpoint.post(path, credential, headers);
    return BoundedExchange.send(
            vertx, client, options, body.toBuffer(), settings.timeout(), cancellation)
        .map(received -> classify(received, parse))
        .otherwise(failure -> failed(failure, cancellation));
  }

  void close() {
    client.close();
  }

  /**
   * What an answer comes to. A 200 that cannot be read as a completion, or one that repeats a
   * member name ({@link ProviderJson}: its usage could say anything), and a status no provider
   * answers a call with (1xx, a redirect, a 2xx other than 200) are {@link
   * ProviderReply.Unreadable}: the provider had the request and may bill it, so its caller settles
   * it at its bound. They were once final failures, released as if never made. A 4xx refuses the
   * request and is final; a 429 or a 5xx may be tried again.
   */
  private ProviderReply classify(
      BoundedExchange.Received received, Function<JsonObject, ChatCompletion> parse) {
    int status = received.status();
    if (status == 200) {
      try {
        ProviderJson.Decoded answer = ProviderJson.object(received.body());
        if (answer.repeatsNames()) {
          return new ProviderReply.Unreadable(
              settings.name() + " answered 200 with a body that repeats a member name");
        }
        return new ProviderReply.Answered(parse.apply(answer.object()));
      } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
        return new ProviderReply.Unreadable(
            settings.name() + " answered 200 with a body that is not a completion");
      }
    }
    if (status >= 400) {
      return HttpRelay.failure(settings, clock.instant(), status, received.retryAfter())
          .orElse(ProviderReply.Failed.finalFailure(settings.name() + " answered " + status));
    }
    return new ProviderReply.Unreadable(
        settings.name() + " answered " + status + ", which is no answer to a call");
  }

  private ProviderReply failed(Throwable failure, Cancellation cancellation) {
    if (failure instanceof BoundedExchange.Incomplete incomplete && incomplete.sent()) {
      return new ProviderReply.Unknown(settings.name() + ": " + incomplete.getMessage());
    }
    if (cancellation.cancelled()) {
      return ProviderReply.Failed.finalFailure("the call was cancelled");
    }
    if (failure instanceof BoundedExchange.Incomplete incomplete) {
      return new ProviderReply.Failed(
          true,
          incomplete.timedOut(),
          false,
          settings.name() + ": " + incomplete.getMessage(),
          Optional.empty());
    }
    return ProviderReply.Failed.retryable(
        settings.name() + " could not be reached: " + failure.getClass().getSimpleName());
  }
}
