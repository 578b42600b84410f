package com.infrafabric.chassis.http;

import com.infrafabric.chassis.ChassisException;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import java.util.Map;

/**
 * Answers chassis failures in the platform's error shape. A registration failure keeps the
 * chassis's stable {@link com.infrafabric.chassis.ErrorCode} name and HTTP status (e.g. {@code
 * UNTRUSTED_PUBLISHER}, 403) and its exact sentence.
 */
final class ChassisErrors {

  static final ErrorCode TOOL_NOT_FOUND = new ErrorCode("TOOL_NOT_FOUND", 404);
  static final ErrorCode TOOL_NOT_GRANTED = new ErrorCode("TOOL_NOT_GRANTED", 403);

  private ChassisErrors() {}

  /** The API error for {@code failure}, or {@code failure} itself if it is not the chassis's. */
  static Throwable translate(Throwable failure) {
    if (failure instanceof ChassisException chassis) {
      return ApiException.of(
          new ErrorCode(chassis.code().name(), chassis.code().httpStatus()), chassis.getMessage());
    }
    return failure;
  }

  static ApiException notFound(ToolRef ref) {
    return ApiException.of(
        TOOL_NOT_FOUND, "No tool " + ref + " is registered.", Map.of("tool", ref.toString()));
  }

  static ApiException notGranted(ToolRef ref) {
    return ApiException.of(
        TOOL_NOT_GRANTED,
        "The token does not grant the tool " + ref + ".",
        Map.of("tool", ref.toString()));
  }
}
