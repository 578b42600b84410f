package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.Redactor;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The relay of a networked provider, which hands back the provider's answer as soon as its head
 * arrives: {@link ProviderReply.Opened} with the body unread on 200, so a stream can be piped as it
 * comes; {@link ProviderReply.Refused} with the (bounded) answer on a 4xx other than 429; {@link
 * ProviderReply.Failed}, retryable, on 429, 5xx, or a failure to connect and send; {@link
 * ProviderReply.Unknown} when no head came (in time) once the request was sent; {@link
 * ProviderReply.Unreadable} on any other status (1xx, 3xx, a 2xx other than 200) or a head that
 * cannot be read. The key is the operator's credential, sent only to an origin it allows; the
 * caller's own credential never reaches this class. Run it under the provider's {@link
 * ProviderGate}.
 *
 * <p>Thread-safe; never blocks. {@link #close()} releases the HTTP client.
 */
final class HttpRelay implements ProviderRelay {

  /**
   * Statuses that refuse the credential the host sent (the operator's, from the vault), not the
   * request: unauthenticated, forbidden, proxy authentication required.
   */
  private static final Set<Integer> OPERATOR_CREDENTIAL_REFUSED = Set.of(401, 403, 407);

  /**
   * The connections a relay's pool holds, per {@link ProviderSettings#maxConnections}: a gateway
   * shares that bound among its tenants and admits calls beyond it, up to twice, for tenants under
   * their fair share ({@link com.infrafabric.platform.limit.TenantSlots}), which must then find a
   * connection rather than wait for one.
   */
  static final int CONNECTIONS_PER_BOUND = 2;

  private final Vertx vertx;
  private final ProviderSettings settings;
  private final ProviderEndpoint endpoint;
  private final HttpClient client;
  private final Clock clock;

  /**
   * @param clock what a provider's {@code Retry-After} date is read against ({@link RetryAfter})
   */
  HttpRelay(Vertx vertx, ProviderSettings settings, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    this.endpoint = new ProviderEndpoint(settings);
    this.client = endpoint.client(vertx, CONNECTIONS_PER_BOUND * settings.maxConnections());
  }

  /**
   * Posts {@code body} to {@code path} under the provider's endpoint with {@code key}'s header and
   * {@code headers}; the answer's head must arrive within the provider's timeout, and its body,
   * while it is read, may go no longer than that without a byte ({@link HttpAnswerBody}). Without a
   * key nothing is sent. A call waits for a connection at most the provider's {@code
   * connectionWait}: one that gets none (every connection carries a call, such as a stream) is
   * refused, unsent, final and with a {@code Retry-After} of a second ({@link #busy}), and it is
   * not the provider's failure, so its breaker does not count it. {@code cancellation} stops a call
   * that is not sent yet (its caller left while it waited for a connection), which is then never
   * sent; a request the provider has is never aborted by it: the provider may make and bill it.
   */
  @Override
  public Future<ProviderReply> post(
      String path,
      Map<String, String> headers,
      Buffer body,
      Optional<OpenedCredential> key,
      Cancellation cancellation) {
    if (key.isEmpty()) {
      return Future.succeededFuture(
          ProviderReply.Failed.finalFailure(
              "the key of " + settings.name() + " is not in the vault"));
    }
    Optional<ProviderReply> refusal = endpoint.refusal(key.get());
    if (refusal.isPresent()) {
      return Future.succeededFuture(refusal.get());
    }
    RequestOptions options = endpoint.post(path, key.get(), headers);
    options.setConnectTimeout(settings.connectionWait().toMillis());
    return open(options, body, cancellation, key.get().redactor());
  }

  @Override
  public void close() {
    client.close();
  }

  /**
   * Sends the request and hands back its answer's head. Every step runs on one context, so a call
   * that timed out or was cancelled while it waited for a connection is seen as such when the
   * connection comes, and is then not sent.
   */
  private Future<ProviderReply> open(
      RequestOptions options, Buffer body, Cancellation cancellation, Redactor redactor) {
    Promise<ProviderReply> head = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    Context context = vertx.getOrCreateContext();
    Duration timeout = settings.timeout();
    String late = settings.name() + ": no answer within " + timeout.toMillis() + " ms";
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            id ->
                context.runOnContext(
                    expired ->
                        abort(
                            head,
                            sent,
                            sent.get() == null
                                ? new ProviderReply.Failed(
                                    true, true, false, late, Optional.empty())
                                : new ProviderReply.Unknown(late + " of sending the request"))));
    cancellation.onCancel(() -> context.runOnContext(cancelled -> unsentCancelled(head, sent)));
    context.runOnContext(
        start ->
            client
                .request(options)
                .compose(request -> send(request, body, head, sent))
                .onSuccess(
                    response ->
                        classify(response, redactor).onSuccess(reply -> deliver(head, reply)))
                .onFailure(failure -> head.tryComplete(failed(failure, sent.get() != null))));
    return head.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  /**
   * Sends {@code request} on the connection it got, unless the call ended while it waited for one
   * (its deadline passed, or its caller cancelled it): the provider then never has it.
   */
  private static Future<HttpClientResponse> send(
      HttpClientRequest request,
      Buffer body,
      Promise<ProviderReply> head,
      AtomicReference<HttpClientRequest> sent) {
    if (head.future().isComplete()) {
      request.reset();
      return Future.failedFuture(new IllegalStateException("the call ended before it was sent"));
    }
    sent.set(request);
    return request.send(body);
  }

  /** A cancelled call ends if it is not sent yet; a request the provider has is left to finish. */
  private void unsentCancelled(
      Promise<ProviderReply> head, AtomicReference<HttpClientRequest> sent) {
    if (sent.get() == null) {
      head.tryComplete(
          ProviderReply.Failed.finalFailure(
              settings.name() + ": the call was cancelled before it was sent"));
    }
  }

  /** What an exchange that failed came to, whether or not the request was {@code sent}. */
  private ProviderReply failed(Throwable failure, boolean sent) {
    if (sent && failure instanceof DecoderException) {
      // Netty could not decode the answer's head (too many or too long headers, a bad status
      // line): the answer came, and cannot be read.
      return new ProviderReply.Unreadable(
          settings.name() + "'s answer could not be read: " + failure.getClass().getSimpleName());
    }
    if (sent) {
      return new ProviderReply.Unknown(
          settings.name()
              + " failed after the request was sent: "
              + failure.getClass().getSimpleName());
    }
    if (failure instanceof TimeoutException) {
      return busy();
    }
    return ProviderReply.Failed.retryable(
        settings.name() + " could not be reached: " + failure.getClass().getSimpleName());
  }

  /**
   * A call that got no connection within the provider's {@code connectionWait}: a connection that
   * could not be made fails sooner ({@link ProviderEndpoint#client}), so every connection was
   * carrying a call. The request was not sent; the call may be retried in a second.
   */
  private ProviderReply.Failed busy() {
    return new ProviderReply.Failed(
        false,
        true,
        false,
        settings.name()
            + ": no connection within "
            + settings.connectionWait().toMillis()
            + " ms, all "
            + CONNECTIONS_PER_BOUND * settings.maxConnections()
            + " carry calls; the request was not sent",
        Optional.of(Duration.ofSeconds(1)));
  }

  /** Hands {@code reply} to the caller; an answer that came after the deadline is reset. */
  private static void deliver(Promise<ProviderReply> head, ProviderReply reply) {
    if (!head.tryComplete(reply) && reply instanceof ProviderReply.Opened late) {
      late.body().reset();
    }
  }

  /**
   * What the answer's head says; a refusal's body is read, bounded, first, and the operator's key
   * taken out of it ({@code redactor}): a provider may quote the key it was sent.
   */
  private Future<ProviderReply> classify(HttpClientResponse response, Redactor redactor) {
    int status = response.statusCode();
    if (status == 200) {
      response.pause();
      return Future.succeededFuture(
          new ProviderReply.Opened(new HttpAnswerBody(vertx, response, settings.timeout())));
    }
    if (status < 400 || status > 599) {
      HttpAnswerBody.giveUp(response);
      return Future.succeededFuture(
          new ProviderReply.Unreadable(
              settings.name() + " answered " + status + ", a status its API does not answer with"));
    }
    Optional<ProviderReply.Failed> failed =
        failure(settings, clock.instant(), status, response.getHeader("retry-after"));
    if (failed.isPresent()) {
      HttpAnswerBody.giveUp(response);
      return Future.succeededFuture(failed.get());
    }
    return refusal(response, redactor);
  }

  private static Future<ProviderReply> refusal(HttpClientResponse response, Redactor redactor) {
    Promise<Buffer> read = Promise.promise();
    Buffer answer = Buffer.buffer();
    response.handler(
        chunk -> {
          if (answer.length() + chunk.length() > MAX_REFUSAL_BYTES) {
            response.request().reset();
            read.tryComplete(answer);
          } else {
            answer.appendBuffer(chunk);
          }
        });
    response.exceptionHandler(failure -> read.tryComplete(answer));
    response.endHandler(end -> read.tryComplete(answer));
    return read.future()
        .map(body -> new ProviderReply.Refused(response.statusCode(), redactor.redact(body)));
  }

  private static void abort(
      Promise<ProviderReply> head, AtomicReference<HttpClientRequest> sent, ProviderReply reason) {
    if (head.tryComplete(reason)) {
      HttpClientRequest request = sent.get();
      if (request != null) {
        request.reset();
      }
    }
  }

  /**
   * How a provider's answer of {@code status} (not 200) failed, for every caller of a provider: a
   * 429 or 5xx may pass on a retry; a refusal of the operator's credential (401, 403, 407) is
   * final, and the provider's words about the key (which may quote part of it) go no further. Empty
   * for any other status: the provider refused the request itself, and says why. A 429's {@code
   * retryAfter} header is read at {@code now}, at most the provider's {@code breakerReset} ({@link
   * RetryAfter}).
   */
  static Optional<ProviderReply.Failed> failure(
      ProviderSettings settings, Instant now, int status, String retryAfter) {
    String reason = settings.name() + " answered " + status;
    if (OPERATOR_CREDENTIAL_REFUSED.contains(status)) {
      return Optional.of(
          ProviderReply.Failed.finalFailure(reason + ": it refused the operator's credential"));
    }
    if (status == 429) {
      return Optional.of(
          ProviderReply.Failed.rateLimited(
              reason, RetryAfter.parse(retryAfter, now, settings.breakerReset())));
    }
    if (status >= 500) {
      return Optional.of(ProviderReply.Failed.retryable(reason));
    }
    return Optional.empty();
  }
}
