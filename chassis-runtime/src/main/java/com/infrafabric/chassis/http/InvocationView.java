package com.infrafabric.chassis.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.infrafabric.chassis.ExecutionReport;
import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.JsonText;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Excerpt;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@code output} is the tool's JSON output on {@code SUCCESS}, exactly as the tool wrote it (it was
 * checked to be one JSON value), and null otherwise; then {@code output_text} holds whatever the
 * tool wrote, as text. Every other outcome also carries {@code code} and {@code details.requestId},
 * so a non-2xx answer has the platform's error shape too.
 *
 * <p><b>Size.</b> An answer is at most {@link #maxBytes} bytes, known before it is rendered: the
 * output is at most the output cap (embedded as written, never re-encoded), the logs at most the
 * log cap (each entry was charged its rendered size when the guest logged it), the message at most
 * {@value #MESSAGE_MAX_CHARS} characters, and the rest is small. Only {@code output_text} could
 * grow in rendering (escaping makes a control byte six), so it is cut to the output cap in rendered
 * bytes, and the answer then says {@code "output_truncated": true}.
 */
final class InvocationView {

  /** The longest message rendered, in characters; longer ones end with an ellipsis. */
  static final int MESSAGE_MAX_CHARS = 4096;

  /** Room for everything but output and logs: ids, outcome, message, report, field names. */
  static final int FIXED_ROOM_BYTES = 64 << 10;

  private static final int INITIAL_CAPACITY_BYTES = 1 << 20;
  private static final JsonFactory JSON = new JsonFactory();

  private final long outputCapBytes;
  private final long logCapBytes;

  /**
   * @param outputCapBytes the operator's cap on a contract's output bytes
   * @param logCapBytes the operator's cap on a contract's log bytes
   */
  InvocationView(long outputCapBytes, long logCapBytes) {
    this.outputCapBytes = outputCapBytes;
    this.logCapBytes = logCapBytes;
  }

  /** The most bytes any answer takes. */
  long maxBytes() {
    return outputCapBytes + logCapBytes + FIXED_ROOM_BYTES;
  }

  /**
   * A cheap upper estimate of the rendered size, from lengths alone: whether rendering is worth
   * moving off the event loop.
   */
  static long estimate(InvocationResult result) {
    int perChar = result.outcome() == Outcome.SUCCESS ? 3 : 6;
    long bytes = (long) perChar * result.output().length() + FIXED_ROOM_BYTES / 16;
    for (GuestLog log : result.logs()) {
      bytes += 32 + 3L * log.message().length();
    }
    return bytes;
  }

  Buffer render(InvocationResult result, String invocationId, String requestId) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(initialCapacity(result));
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      write(json, result, invocationId, requestId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render an invocation answer", e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  private void write(
      JsonGenerator json, InvocationResult result, String invocationId, String requestId)
      throws IOException {
    boolean success = result.outcome() == Outcome.SUCCESS;
    json.writeStartObject();
    json.writeStringField("invocation_id", invocationId);
    json.writeStringField("outcome", result.outcome().name());
    json.writeFieldName("output");
    if (success) {
      json.writeRawValue(result.output());
    } else {
      json.writeNull();
    }
    json.writeStringField("message", Excerpt.of(result.message(), MESSAGE_MAX_CHARS));
    writeReport(json, result.report());
    writeLogs(json, result);
    if (!success) {
      String text = JsonText.cut(result.output(), outputCapBytes);
      json.writeStringField("output_text", text);
      if (text.length() < result.output().length()) {
        json.writeBooleanField("output_truncated", true);
      }
      json.writeStringField("code", code(result.outcome()));
      json.writeObjectFieldStart("details");
      json.writeStringField("requestId", requestId);
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void writeReport(JsonGenerator json, ExecutionReport report) throws IOException {
    json.writeObjectFieldStart("report");
    json.writeNumberField("duration_us", report.duration().toNanos() / 1000);
    json.writeNumberField("cpu_time_us", report.cpuTime().toNanos() / 1000);
    json.writeNumberField("peak_memory_pages", report.peakMemoryPages());
    json.writeNumberField("host_calls", report.hostCalls());
    json.writeNumberField("bytes_in", report.bytesIn());
    json.writeNumberField("bytes_out", report.bytesOut());
    json.writeEndObject();
  }

  private static void writeLogs(JsonGenerator json, InvocationResult result) throws IOException {
    json.writeArrayFieldStart("logs");
    for (GuestLog log : result.logs()) {
      json.writeStartObject();
      json.writeStringField("level", log.level().name().toLowerCase(Locale.ROOT));
      json.writeStringField("message", log.message());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static int initialCapacity(InvocationResult result) {
    return (int) Math.min(estimate(result), INITIAL_CAPACITY_BYTES);
  }

  /** The error code of an outcome: its name, but Redis being down reads as everywhere else. */
  private static String code(Outcome outcome) {
    return outcome == Outcome.UNAVAILABLE ? ErrorCode.STORE_UNAVAILABLE.code() : outcome.name();
  }
}
