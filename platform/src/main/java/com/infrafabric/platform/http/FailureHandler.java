package com.infrafabric.platform.http;

import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the JSON error shape (the platform's, or a route's {@link
 * WireDialect}'s): first through the service's {@link ErrorTranslator}, then an {@link
 * ApiException} as it is, an unavailable Redis as 503 {@code STORE_UNAVAILABLE} (not applied) or
 * {@code OUTCOME_UNKNOWN} (sent, unanswered), a result that could not be encoded as 500 {@code
 * RESPONSE_NOT_RENDERED}, vertx-web's own statuses (404, 405, 413, 400) into their codes, and
 * anything else into 500 {@code INTERNAL} carrying only the request id; a request whose head could
 * not be read into its {@link UnreadableHead} refusal, whatever vertx-web failed it with. Stack
 * traces go to the server log, never to the client. A refusal on a settling route is charged to the
 * caller's rate limit first ({@link Requests#chargeUnsettled}), and is 429 once that is spent.
 *
 * <p>Every refusal passes here, the ones vertx-web gives before routing included, so this is where
 * a request no step has seen yet is accounted for ({@link RequestAccounting#account}), and where
 * its answer ends the connection if {@link RequestAccounting#endsConnection} says so.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  private static final Duration STORE_RETRY = Duration.ofSeconds(1);

  private final ErrorTranslator errors;
  private final Optional<ProtectedResource> resource;
  private final WireDialect.Errors dialect;
  private final RequestAccounting accounting;

  FailureHandler(
      ErrorTranslator errors,
      Optional<ProtectedResource> resource,
      WireDialect.Errors dialect,
      RequestAccounting accounting) {
    this.errors = errors;
    this.resource = resource;
    this.dialect = dialect;
    this.accounting = accounting;
  }

  @Override
  public void handle(RoutingContext ctx) {
    accounting.account(ctx);
    if (ctx.response().headWritten()) {
      LOG.warn("request {} failed after its response started", Requests.requestId(ctx));
      ctx.response().reset();
      return;
    }
    Requests.chargeUnsettled(ctx, translate(ctx))
        .onSuccess(
            error ->
                ErrorResponses.send(
                    ctx,
                    error,
                    resource.map(r -> r.metadataUrl().apply(ctx.request())),
                    dialect,
                    accounting.endsConnection(ctx, error)));
  }

  private ApiException translate(RoutingContext ctx) {
    Optional<ApiException> unreadable = UnreadableHead.of(ctx.request());
    if (unreadable.isPresent()) {
      return unreadable.get();
    }
    Throwable failure = ctx.failure() == null ? null : errors.translate(ctx.failure());
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof RedisUnavailableException unavailable) {
      LOG.warn("request {}: {}", Requests.requestId(ctx), unavailable.getMessage());
      return unavailable.outcomeUnknown()
          ? ApiException.retryAfter(ErrorCode.OUTCOME_UNKNOWN, unknownOutcome(ctx), STORE_RETRY)
          : ApiException.retryAfter(
              ErrorCode.STORE_UNAVAILABLE,
              "The state store is unavailable; the request was not applied, retry later.",
              STORE_RETRY);
    }
    if (failure instanceof ResponseJson.NotRendered notRendered) {
      LOG.error("request {}: {}", Requests.requestId(ctx), notRendered.getMessage(), notRendered);
      return ApiException.of(
          ErrorCode.RESPONSE_NOT_RENDERED,
          "The result could not be rendered as JSON (it nests deeper than "
              + ResponseJson.MAX_DEPTH
              + " levels); the operation itself may have completed. Quote the request id when"
              + " reporting it.");
    }
    if (failure instanceof HttpException http && http.getStatusCode() < 500) {
      return fromStatus(ctx, http.getStatusCode());
    }
    // A status without a failure, or a 4xx the framework gave with its reason attached
    // (vertx-web's 400 for an HTTP/1.1 request without Host): the status holds.
    int status = ctx.statusCode();
    if (status < 500 && (failure == null || status >= 400)) {
      return fromStatus(ctx, status);
    }
    LOG.error("request {} failed unexpectedly", Requests.requestId(ctx), failure);
    return ApiException.of(
        ErrorCode.INTERNAL, "An internal error occurred; quote the request id when reporting it.");
  }

  /**
   * What a client whose request's outcome is unknown may do: retry under the key its answer carries
   * on a route that honours one; on any other, look before sending it again, unless repeating it
   * sets the same state (a PUT, a registration of the same tool version).
   */
  private static String unknownOutcome(RoutingContext ctx) {
    String unknown =
        "The state store did not answer in time: the request may or may not have been applied. ";
    return ctx.response().headers().contains(Requests.IDEMPOTENCY_KEY)
        ? unknown
            + "Retrying with the same "
            + Requests.IDEMPOTENCY_KEY
            + " (this answer carries it) is safe."
        : unknown
            + "Check before sending it again, unless repeating it sets the same state (a PUT, a"
            + " registration of the same tool version).";
  }

  private static ApiException fromStatus(RoutingContext ctx, int status) {
    return switch (status) {
      case 401 -> ApiException.of(ErrorCode.UNAUTHENTICATED, "A valid credential is required.");
      case 403 -> ApiException.of(ErrorCode.FORBIDDEN, "The token does not grant this operation.");
      case 404 -> ApiException.of(ErrorCode.NOT_FOUND, "No resource matches this path.");
      case 405 ->
          ApiException.of(ErrorCode.METHOD_NOT_ALLOWED, "This resource does not allow the method.");
      case 413 ->
          BodyLimit.of(ctx)
              .map(BodyLimit::tooLarge)
              .orElseGet(
                  () ->
                      ApiException.of(
                          ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large."));
      case 415 ->
          ApiException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The content type is not supported.");
      default -> ApiException.of(ErrorCode.MALFORMED_REQUEST, "The request is malformed.");
    };
  }
}
