package com.infrafabric.platform.http;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stable machine-readable error code and the HTTP status it is answered with. Clients branch on
 * {@link #code()}, never on the human message.
 *
 * <p>The platform defines the codes every service shares; a service defines its own with the
 * constructor, e.g. {@code new ErrorCode("BUDGET_SCOPE_UNKNOWN", 422)}, without editing this type.
 *
 * @param code upper snake case, e.g. {@code RATE_LIMITED}
 * @param status the HTTP status, 400..599
 */
public record ErrorCode(String code, int status) {

  private static final Pattern UPPER_SNAKE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");

  public static final ErrorCode MALFORMED_REQUEST = new ErrorCode("MALFORMED_REQUEST", 400);
  public static final ErrorCode INVALID_REQUEST = new ErrorCode("INVALID_REQUEST", 400);
  public static final ErrorCode UNAUTHENTICATED = new ErrorCode("UNAUTHENTICATED", 401);
  public static final ErrorCode FORBIDDEN = new ErrorCode("FORBIDDEN", 403);
  public static final ErrorCode NOT_FOUND = new ErrorCode("NOT_FOUND", 404);
  public static final ErrorCode METHOD_NOT_ALLOWED = new ErrorCode("METHOD_NOT_ALLOWED", 405);
  public static final ErrorCode IDEMPOTENCY_CONFLICT = new ErrorCode("IDEMPOTENCY_CONFLICT", 409);
  public static final ErrorCode PAYLOAD_TOO_LARGE = new ErrorCode("PAYLOAD_TOO_LARGE", 413);
  public static final ErrorCode URI_TOO_LONG = new ErrorCode("URI_TOO_LONG", 414);
  public static final ErrorCode UNSUPPORTED_MEDIA_TYPE =
      new ErrorCode("UNSUPPORTED_MEDIA_TYPE", 415);
  public static final ErrorCode RATE_LIMITED = new ErrorCode("RATE_LIMITED", 429);
  public static final ErrorCode HEADERS_TOO_LARGE = new ErrorCode("HEADERS_TOO_LARGE", 431);
  public static final ErrorCode INTERNAL = new ErrorCode("INTERNAL", 500);
  public static final ErrorCode RESPONSE_NOT_RENDERED = new ErrorCode("RESPONSE_NOT_RENDERED", 500);
  public static final ErrorCode OVERLOADED = new ErrorCode("OVERLOADED", 503);
  public static final ErrorCode STORE_UNAVAILABLE = new ErrorCode("STORE_UNAVAILABLE", 503);
  public static final ErrorCode OUTCOME_UNKNOWN = new ErrorCode("OUTCOME_UNKNOWN", 503);

  public ErrorCode {
    Objects.requireNonNull(code, "code");
    if (!UPPER_SNAKE.matcher(code).matches()) {
      throw new IllegalArgumentException("error code " + code + " is not UPPER_SNAKE_CASE");
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException(
          "error code " + code + " has status " + status + ", outside 400..599");
    }
  }
}
