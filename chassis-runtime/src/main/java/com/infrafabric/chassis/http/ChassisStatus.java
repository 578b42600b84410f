package com.infrafabric.chassis.http;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.Outcome;

/**
 * The HTTP status the REST layer answers each chassis outcome and error code with. Kept here, not
 * on the enums, so the chassis core knows nothing of HTTP (as the governor's {@code GovernorErrors}
 * does). The switches are exhaustive: a new constant does not compile until it has a status.
 */
public final class ChassisStatus {

  private ChassisStatus() {}

  /** The status of an invocation that ended with {@code outcome}. */
  public static int of(Outcome outcome) {
    return switch (outcome) {
      case SUCCESS -> 200;
      case INVALID_INPUT -> 400;
      case GRANT_REQUIRED, GRANT_REFUSED -> 403;
      case TOOL_NOT_FOUND -> 404;
      case TOOL_ERROR, CPU_LIMIT, MEMORY_LIMIT, OUTPUT_LIMIT, LOG_LIMIT, HOST_CALL_LIMIT -> 422;
      case REJECTED_OVERLOAD -> 429;
      case INVALID_OUTPUT, TRAP -> 502;
      case UNAVAILABLE -> 503;
      case TIMEOUT -> 504;
      // Nginx's "client closed request": the caller left, so hardly anyone reads it.
      case CANCELLED -> 499;
    };
  }

  /** The status of a registration or vault failure with {@code code}. */
  public static int of(ErrorCode code) {
    return switch (code) {
      case MALFORMED_MODULE, INVALID_CONTRACT, INVALID_CREDENTIAL -> 400;
      case UNTRUSTED_PUBLISHER -> 403;
      case TOOL_VERSION_CONFLICT, TOOL_OWNED_BY_ANOTHER_PUBLISHER -> 409;
      case MODULE_TOO_LARGE -> 413;
      case MODULE_NOT_COMPILABLE, LIMIT_ABOVE_CAP, UNLINKABLE_IMPORT, MODULE_NOT_INSTANTIABLE ->
          422;
      case MODULE_BUILD_OVERLOADED -> 503;
    };
  }
}
