package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.llm.ProviderReply;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Excerpt;
import com.infrafabric.platform.http.WireDialect;
import com.infrafabric.platform.ratelimit.RateDecision;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's refusals, each with a stable code the {@code X-Error-Code} header carries, and how
 * each dialect answers them so that the official SDKs raise a clear exception: OpenAI's {@code
 * {"error":{"message","type","param","code"}}} and Anthropic's {@code
 * {"type":"error","error":{"type","message"}}}. A budget refusal is OpenAI's quota error (429
 * {@code insufficient_quota}) and Anthropic's billing error (402), which the SDKs do not retry
 * ({@code x-should-retry: false}): waiting a second does not refill a daily cap.
 */
final class GatewayErrors {

  /** No layer of the caller's scope has room for the call's worst case. */
  static final ErrorCode BUDGET_EXCEEDED = new ErrorCode("BUDGET_EXCEEDED", 429);

  /** The caller may not use the model it named. */
  static final ErrorCode MODEL_NOT_ALLOWED = new ErrorCode("MODEL_NOT_ALLOWED", 403);

  /** No alias or served model has the name, or no provider of it speaks the caller's format. */
  static final ErrorCode MODEL_NOT_FOUND = new ErrorCode("MODEL_NOT_FOUND", 404);

  /** Every provider of the model failed, or its breaker is open: nothing was charged. */
  static final ErrorCode UPSTREAM_UNAVAILABLE = new ErrorCode("UPSTREAM_UNAVAILABLE", 503);

  /**
   * The provider refused the request itself (a 4xx other than 429): its answer is relayed as it
   * wrote it, in the caller's format already, under this code; nothing was charged.
   */
  static final ErrorCode UPSTREAM_REFUSED = new ErrorCode("UPSTREAM_REFUSED", 400);

  /**
   * The provider's answer was not what its format promises, or past a bound of the gateway's: it is
   * charged each part the provider reported and the rest as reserved. A stream already under way
   * says so in its last event ({@link SseDialect#failure}).
   */
  static final ErrorCode UPSTREAM_INVALID = new ErrorCode("UPSTREAM_INVALID", 502);

  /**
   * The provider has the request and its answer never came (in time, or whole): the provider may
   * bill it, so the call was charged as reserved.
   */
  static final ErrorCode UPSTREAM_TIMEOUT = new ErrorCode("UPSTREAM_TIMEOUT", 504);

  /**
   * The gateway shut down while the call waited on its provider: the provider may have the request
   * and bill it, so the call was charged as reserved (ledger outcome {@code shutdown}).
   */
  static final ErrorCode GATEWAY_SHUTTING_DOWN = new ErrorCode("GATEWAY_SHUTTING_DOWN", 503);

  /**
   * The call's token estimate exceeds a whole minute of its key's tokens-per-minute allowance: no
   * wait lets it through, so it is refused as OpenAI refuses a request too large for a rate limit,
   * and the SDKs are told not to retry.
   */
  static final ErrorCode CALL_TOO_LARGE = new ErrorCode("CALL_TOO_LARGE", 429);

  /** The Idempotency-Key names a call already made: it was charged once; its answer is not kept. */
  static final ErrorCode CALL_ALREADY_MADE = new ErrorCode("CALL_ALREADY_MADE", 409);

  private GatewayErrors() {}

  /** The refusal of a call whose worst case no budgeted layer has room for. */
  static ApiException budgetExceeded(Denied denied, String priced, CallRequest call, Instant now) {
    Refusal first = denied.refusals().get(0);
    String message =
        "Budget exceeded (governor): this call's worst case ("
            + priced
            + ", up to "
            + call.worstCaseInputTokens()
            + " input and "
            + call.worstCaseOutputTokens()
            + " output tokens) costs "
            + denied.amountMicros()
            + " micro-dollars, which would exceed the "
            + first.window().wireName()
            + " budget of "
            + first.scope()
            + " by "
            + first.shortfallMicros()
            + " micro-dollars. Nothing was charged.";
    Optional<Duration> wait = resetOf(denied, first, now);
    return wait.map(d -> ApiException.retryAfter(GatewayErrors.BUDGET_EXCEEDED, message, d))
        .orElseGet(() -> ApiException.of(GatewayErrors.BUDGET_EXCEEDED, message));
  }

  /** How long until the refusing window rolls over; empty for a lifetime cap. */
  private static Optional<Duration> resetOf(Denied denied, Refusal refusal, Instant now) {
    return denied.layers().stream()
        .filter(l -> l.scope().equals(refusal.scope()) && l.window() == refusal.window())
        .map(LayerStatus::resetsAt)
        .filter(at -> at != null && at.isAfter(now))
        .map(at -> Duration.between(now, at))
        .findFirst();
  }

  /** A virtual key's per-minute limit is reached: nothing was reserved or charged. */
  static ApiException rateLimited(RateDecision decision) {
    return ApiException.retryAfter(
        ErrorCode.RATE_LIMITED,
        seconds ->
            "This key's "
                + decision.limitName()
                + " limit is reached; nothing was charged. Retry after "
                + seconds
                + " s.",
        decision.retryAfter());
  }

  static ApiException tooLargeForKey(long tokens, long tokensPerMinute) {
    return ApiException.of(
        CALL_TOO_LARGE,
        "This call may use up to "
            + tokens
            + " tokens (its prompt and its output bound), more than this key's "
            + tokensPerMinute
            + " tokens per minute: no wait lets it through. Lower max_tokens or the prompt;"
            + " nothing was charged.",
        Map.of("tokens", tokens, "tokens_per_minute", tokensPerMinute));
  }

  static ApiException alreadyMade() {
    return ApiException.of(
        GatewayErrors.CALL_ALREADY_MADE,
        "This Idempotency-Key already named a call of this caller: it was charged at most once,"
            + " and its answer is not kept. Use a new key for a new call.");
  }

  static ApiException unavailable(String model, ProviderReply.Failed last) {
    String why = last == null ? "" : " (last: " + last.reason() + ")";
    Duration wait =
        last == null ? Duration.ofSeconds(1) : last.retryAfter().orElse(Duration.ofSeconds(1));
    return ApiException.retryAfter(
        GatewayErrors.UPSTREAM_UNAVAILABLE,
        "No provider of " + model + " answered" + why + "; nothing was charged. Retry later.",
        wait);
  }

  /**
   * A provider's refusal whose body is not one JSON object (an HTML page from its proxy, plain
   * text), in the caller's dialect instead, with the provider's status and the start of what it
   * wrote (the operator's key already taken out): relayed as JSON it is not, the SDKs could not
   * read it.
   */
  static ApiException refusedNotJson(String provider, ProviderReply.Refused refused) {
    String text = refused.body().toString(StandardCharsets.UTF_8);
    return ApiException.of(
        new ErrorCode(UPSTREAM_REFUSED.code(), refused.status()),
        provider
            + " refused the request ("
            + refused.status()
            + ") with a body that is not JSON: "
            + Excerpt.quoted(text)
            + "; nothing was charged.");
  }

  /** OpenAI's error shape. */
  static WireDialect.Rendered openAi(ApiException error, String requestId) {
    String code = error.code().code();
    boolean budget = error.code().equals(BUDGET_EXCEEDED);
    JsonObject body =
        new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("message", error.getMessage())
                    .put("type", budget ? "insufficient_quota" : openAiType(error.status()))
                    // The request field at fault, as OpenAI names it, for the SDKs' param().
                    .put("param", error.details().get("field"))
                    .put("code", budget ? "insufficient_quota" : code.toLowerCase()));
    return new WireDialect.Rendered(error.status(), body, headers(error));
  }

  /**
   * Anthropic's error shape; a budget refusal is its billing error, 402. Without a {@code
   * requestId} (an error event in a stream, whose answer's header has it) the body has none.
   */
  static WireDialect.Rendered anthropic(ApiException error, String requestId) {
    boolean budget = error.code().equals(BUDGET_EXCEEDED);
    JsonObject body =
        new JsonObject()
            .put("type", "error")
            .put(
                "error",
                new JsonObject()
                    .put("type", budget ? "billing_error" : anthropicType(error))
                    .put("message", error.getMessage()));
    if (requestId != null) {
      body.put("request_id", requestId);
    }
    return new WireDialect.Rendered(budget ? 402 : error.status(), body, headers(error));
  }

  private static Map<String, String> headers(ApiException error) {
    Map<String, String> headers = new HashMap<>();
    if (error.code().equals(BUDGET_EXCEEDED)
        || error.code().equals(CALL_TOO_LARGE)
        || error.status() < 429) {
      headers.put("x-should-retry", "false");
    }
    return headers;
  }

  private static String openAiType(int status) {
    if (status == 401) {
      return "authentication_error";
    }
    if (status == 403) {
      return "permission_error";
    }
    if (status == 429) {
      return "rate_limit_exceeded";
    }
    return status >= 500 ? "server_error" : "invalid_request_error";
  }

  private static String anthropicType(ApiException error) {
    return switch (error.status()) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503 -> "overloaded_error";
      default -> error.status() >= 500 ? "api_error" : "invalid_request_error";
    };
  }
}
