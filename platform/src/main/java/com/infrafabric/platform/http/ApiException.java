package com.infrafabric.platform.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * An error answered to the client as {@code {"code": ..., "message": ..., "details": {...}}} with
 * the status of its {@link ErrorCode}. Throw it from a route handler (or pass it to {@code
 * RoutingContext.fail}); the service's failure handler renders it.
 *
 * <p>The message and details are shown to the client as they are: never put secrets, stack traces
 * or internal names in them.
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ErrorCode code;
  private final transient Map<String, Object> details;
  private final transient Duration retryAfter;
  private final transient BearerError bearerError;

  /** The longest message an answer carries; a longer one is cut and ends in an ellipsis. */
  public static final int MAX_MESSAGE_CHARS = 1024;

  /** The longest text detail an answer carries, cut the same way. */
  public static final int MAX_DETAIL_CHARS = 256;

  /**
   * Messages and text details are cut here, where every error answer of every dialect starts, so no
   * answer grows with what a caller sent: a message quoting a million-character zone or field name
   * was as long as the request.
   */
  private ApiException(
      ErrorCode code,
      String message,
      Map<String, Object> details,
      Duration retryAfter,
      BearerError bearerError) {
    super(
        Excerpt.of(Objects.requireNonNull(message, "message"), MAX_MESSAGE_CHARS),
        null,
        false,
        false);
    this.code = Objects.requireNonNull(code, "code");
    Map<String, Object> bounded = new LinkedHashMap<>();
    details.forEach(
        (name, value) ->
            bounded.put(
                name, value instanceof String text ? Excerpt.of(text, MAX_DETAIL_CHARS) : value));
    this.details = Map.copyOf(bounded);
    this.retryAfter = retryAfter;
    this.bearerError = bearerError;
  }

  /** An error with a human sentence and no details. */
  public static ApiException of(ErrorCode code, String message) {
    return new ApiException(code, message, Map.of(), null, null);
  }

  /** An error with details, e.g. {@code Map.of("scope", "team-a")}; values must be JSON-able. */
  public static ApiException of(ErrorCode code, String message, Map<String, ?> details) {
    return new ApiException(code, message, new LinkedHashMap<>(details), null, null);
  }

  /**
   * An error the client may retry after {@code retryAfter}, answered with a {@code Retry-After}
   * header in whole seconds rounded up (429 and 503).
   */
  public static ApiException retryAfter(ErrorCode code, String message, Duration retryAfter) {
    return retryAfter(code, seconds -> message, retryAfter);
  }

  /**
   * An error whose sentence says how long to wait: {@code message} is given the very number of
   * seconds the {@code Retry-After} header carries ({@code retryAfter} in whole seconds, rounded
   * up, at least 1), so the two cannot disagree.
   */
  public static ApiException retryAfter(
      ErrorCode code, LongFunction<String> message, Duration retryAfter) {
    long seconds = wholeSeconds(Objects.requireNonNull(retryAfter, "retryAfter"));
    return new ApiException(
        code, message.apply(seconds), Map.of(), Duration.ofSeconds(seconds), null);
  }

  /**
   * {@code wait} in whole seconds, rounded up, at least 1, as {@code Retry-After} carries it: a
   * client that waits that long will not be early. For answers that are not an {@code ApiException}
   * (a JSON-RPC error) but must say the same.
   */
  public static long wholeSeconds(Duration wait) {
    long millis = Math.max(1, wait.toMillis());
    return (millis + 999) / 1000;
  }

  /**
   * What a refusal says of the caller's bearer token, for the {@code error} and {@code
   * error_description} of its {@code WWW-Authenticate} challenge (RFC 6750, section 3.1): the token
   * is invalid ({@code invalid_token}), the request carries it wrongly ({@code invalid_request}) or
   * it grants too little ({@code insufficient_scope}).
   *
   * @param description a fixed sentence of the service's: a challenge never carries what the caller
   *     sent, so it must hold no quote or backslash
   */
  record BearerError(String code, String description) {
    BearerError {
      if (description.chars().anyMatch(c -> c < 0x20 || c >= 0x7f || c == '"' || c == '\\')) {
        throw new IllegalArgumentException("not a plain quoted-string: " + description);
      }
    }
  }

  /** This refusal, saying {@code error} of the caller's bearer token in its challenge. */
  ApiException challenging(BearerError error) {
    return new ApiException(code, getMessage(), details, retryAfter, error);
  }

  /** What this refusal says of the caller's bearer token, if it refuses the token. */
  Optional<BearerError> bearerError() {
    return Optional.ofNullable(bearerError);
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return code.status();
  }

  public Map<String, Object> details() {
    return details;
  }

  /** How long the client is told to wait, in whole seconds: what {@code Retry-After} carries. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
