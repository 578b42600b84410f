package com.infrafabric.platform.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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

  private ApiException(
      ErrorCode code, String message, Map<String, Object> details, Duration retryAfter) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.details = Map.copyOf(details);
    this.retryAfter = retryAfter;
  }

  /** An error with a human sentence and no details. */
  public static ApiException of(ErrorCode code, String message) {
    return new ApiException(code, message, Map.of(), null);
  }

  /** An error with details, e.g. {@code Map.of("scope", "team-a")}; values must be JSON-able. */
  public static ApiException of(ErrorCode code, String message, Map<String, ?> details) {
    return new ApiException(code, message, new LinkedHashMap<>(details), null);
  }

  /**
   * An error the client may retry after {@code retryAfter}, answered with a {@code Retry-After}
   * header in whole seconds rounded up (429 and 503).
   */
  public static ApiException retryAfter(ErrorCode code, String message, Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    return new ApiException(code, message, Map.of(), retryAfter);
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

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
