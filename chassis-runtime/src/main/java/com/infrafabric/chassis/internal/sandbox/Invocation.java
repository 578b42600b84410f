package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.platform.grant.Grant;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The host-side state of one invocation: its input, the output and log written so far, the host
 * call count and the pending result. Created fresh for each invocation and touched only by its
 * guest thread while the guest runs; read by others only after the run completed.
 *
 * <p>It is where host data becomes readable by the tool or its caller: the result slot, the log and
 * the output all pass its {@link GuestBoundary}, which redacts every secret opened for the
 * invocation.
 */
public final class Invocation {

  private static final Logger GUEST_LOG = LoggerFactory.getLogger("infrafabric.chassis.guest");

  private final ToolRef tool;
  private final InvocationContext context;
  private final ResourceLimits limits;
  private final byte[] input;
  private final Optional<Grant> grant;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final List<GuestLog> logs = new ArrayList<>();
  private final GuestBoundary boundary = new GuestBoundary();
  private int logBytes;
  private int hostCalls;
  private byte[] result;

  /**
   * @param grant the verified grant the invocation runs under, if any
   */
  public Invocation(
      ToolRef tool,
      InvocationContext context,
      ResourceLimits limits,
      byte[] input,
      Optional<Grant> grant) {
    this.tool = tool;
    this.context = context;
    this.limits = limits;
    this.input = input;
    this.grant = grant;
  }

  public ToolRef tool() {
    return tool;
  }

  public InvocationContext context() {
    return context;
  }

  public Optional<Grant> grant() {
    return grant;
  }

  public ResourceLimits limits() {
    return limits;
  }

  /** Where secrets opened for this invocation are guarded, so none reaches the tool. */
  public GuestBoundary boundary() {
    return boundary;
  }

  /** Counts one host call; call first thing in every host function. */
  public void hostCall() {
    if (++hostCalls > limits.hostCallsMax()) {
      throw new GuestHalt(
          Outcome.HOST_CALL_LIMIT,
          "the tool made more than " + limits.hostCallsMax() + " host calls");
    }
  }

  public int hostCalls() {
    return Math.min(hostCalls, limits.hostCallsMax());
  }

  public byte[] input() {
    return input;
  }

  /** Appends output, stopping the guest if the output limit would be exceeded. */
  public void writeOutput(byte[] bytes, int offset, int length) {
    if ((long) output.size() + length > limits.outputMaxBytes()) {
      throw new GuestHalt(
          Outcome.OUTPUT_LIMIT,
          "the tool wrote more than " + limits.outputMaxBytes() + " output bytes");
    }
    output.write(bytes, offset, length);
  }

  /** The output, redacted: it is checked to be JSON only after. */
  public byte[] output() {
    return boundary.redact(output.toByteArray());
  }

  /**
   * Records and emits a guest log message, stopping the guest if the log limit would be exceeded.
   * Control characters are replaced so a guest cannot forge log lines.
   */
  public void log(LogLevel level, byte[] message) {
    if ((long) logBytes + message.length > limits.logMaxBytes()) {
      throw new GuestHalt(
          Outcome.LOG_LIMIT, "the tool logged more than " + limits.logMaxBytes() + " bytes");
    }
    logBytes += message.length;
    String text = sanitize(boundary.redact(new String(message, StandardCharsets.UTF_8)));
    logs.add(new GuestLog(level, text));
    GUEST_LOG
        .atLevel(Level.valueOf(level.name()))
        .addKeyValue("tool", tool.toString())
        .addKeyValue("tenant", context.tenant())
        .addKeyValue("agent", context.agent())
        .addKeyValue("invocation", context.invocationId())
        .log(text);
  }

  public List<GuestLog> logs() {
    return List.copyOf(logs);
  }

  /**
   * Replaces the pending result of the last producing host call with {@code bytes}, redacted, and
   * returns the length the tool reads.
   */
  public int result(byte[] bytes) {
    this.result = boundary.redact(bytes);
    return result.length;
  }

  /** The same with a JSON object or array, every name and string in it redacted. */
  public int result(JsonObject json) {
    return resultJson(json);
  }

  public int result(JsonArray json) {
    return resultJson(json);
  }

  private int resultJson(Object json) {
    this.result = Json.encode(boundary.redactJson(json)).getBytes(StandardCharsets.UTF_8);
    return result.length;
  }

  public Optional<byte[]> result() {
    return Optional.ofNullable(result);
  }

  private static String sanitize(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    text.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? 0xFFFD : c));
    return clean.toString();
  }
}
