package com.infrafabric.governor.http;

import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;

/**
 * Answers governor failures in the platform's error shape: the governor's stable code, the status
 * of its kind (malformed 400, semantic 422, not found 404, conflict 409, throttled 429 with {@code
 * Retry-After}), its message and details.
 */
final class GovernorErrors {

  /** A reservation denied for lack of budget: an expected outcome, answered 402. */
  static final ErrorCode BUDGET_EXCEEDED = new ErrorCode("BUDGET_EXCEEDED", 402);

  private GovernorErrors() {}

  /** The API error for {@code failure}, or {@code failure} itself if it is not the governor's. */
  static Throwable translate(Throwable failure) {
    if (failure instanceof GovernorException governor) {
      ErrorCode code = new ErrorCode(governor.code().name(), status(governor.code().kind()));
      return governor
          .retryAfter()
          .map(wait -> ApiException.retryAfter(code, governor.getMessage(), wait))
          .orElseGet(() -> ApiException.of(code, governor.getMessage(), governor.details()));
    }
    return failure;
  }

  private static int status(com.infrafabric.governor.ErrorCode.Kind kind) {
    return switch (kind) {
      case MALFORMED -> 400;
      case SEMANTIC -> 422;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case THROTTLED -> 429;
    };
  }
}
