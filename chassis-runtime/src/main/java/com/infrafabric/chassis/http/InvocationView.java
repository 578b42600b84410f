package com.infrafabric.chassis.http;

import com.infrafabric.chassis.ExecutionReport;
import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.platform.http.ErrorCode;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The JSON answer to an invocation, whatever its outcome:
 *
 * <pre>
 * {"invocation_id": "...", "outcome": "SUCCESS", "output": {...}, "message": "",
 *  "report": {"duration_us": 812, "cpu_time_us": 640, "peak_memory_pages": 1, "host_calls": 3,
 *             "bytes_in": 14, "bytes_out": 14},
 *  "logs": [{"level": "info", "message": "..."}]}
 * </pre>
 *
 * {@code output} is the tool's JSON output on {@code SUCCESS} and null otherwise; then {@code
 * output_text} holds whatever the tool wrote, as text. Every other outcome also carries {@code
 * code} and {@code details.requestId}, so a non-2xx answer has the platform's error shape too.
 */
final class InvocationView {

  private InvocationView() {}

  static JsonObject render(InvocationResult result, String invocationId, String requestId) {
    ExecutionReport report = result.report();
    boolean success = result.outcome() == Outcome.SUCCESS;
    JsonObject body =
        new JsonObject()
            .put("invocation_id", invocationId)
            .put("outcome", result.outcome().name())
            .put("output", success ? Json.decodeValue(result.output()) : null)
            .put("message", result.message())
            .put(
                "report",
                new JsonObject()
                    .put("duration_us", report.duration().toNanos() / 1000)
                    .put("cpu_time_us", report.cpuTime().toNanos() / 1000)
                    .put("peak_memory_pages", report.peakMemoryPages())
                    .put("host_calls", report.hostCalls())
                    .put("bytes_in", report.bytesIn())
                    .put("bytes_out", report.bytesOut()))
            .put("logs", logs(result));
    if (!success) {
      body.put("output_text", result.output())
          .put("code", code(result.outcome()))
          .put("details", new JsonObject().put("requestId", requestId));
    }
    return body;
  }

  /** The error code of an outcome: its name, but Redis being down reads as everywhere else. */
  private static String code(Outcome outcome) {
    return outcome == Outcome.UNAVAILABLE ? ErrorCode.STORE_UNAVAILABLE.code() : outcome.name();
  }

  private static JsonArray logs(InvocationResult result) {
    JsonArray logs = new JsonArray();
    for (GuestLog log : result.logs()) {
      logs.add(
          new JsonObject()
              .put("level", log.level().name().toLowerCase(Locale.ROOT))
              .put("message", log.message()));
    }
    return logs;
  }
}
