package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.JsonText;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.llm.vault.RedactionInterrupted;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

  private final ToolRef tool;
  private final InvocationContext context;
  private final ResourceLimits limits;
  private final byte[] input;
  private final Optional<Grant> grant;
  private final GuestLogs guestLogs;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final List<GuestLog> logs = new ArrayList<>();
  private final GuestBoundary boundary = new GuestBoundary();
  private byte[] sealedOutput;
  private long logBytes;
  private int hostCalls;
  private PendingResult result;

  /**
   * @param grant the verified grant the invocation runs under, if any
   * @param guestLogs the node's bound on log entries and its relay into the service log
   */
  public Invocation(
      ToolRef tool,
      InvocationContext context,
      ResourceLimits limits,
      byte[] input,
      Optional<Grant> grant,
      GuestLogs guestLogs) {
    this.tool = tool;
    this.context = context;
    this.limits = limits;
    this.input = input;
    this.grant = grant;
    this.guestLogs = guestLogs;
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
    if (length > outputRoom()) {
      throw outputFull();
    }
    output.write(bytes, offset, length);
  }

  /** Output bytes the tool may still write: a longer write stops it with {@link #outputFull}. */
  public long outputRoom() {
    return (long) limits.outputMaxBytes() - output.size();
  }

  /** The stop of a tool that wrote past its output limit. */
  public GuestHalt outputFull() {
    return new GuestHalt(
        Outcome.OUTPUT_LIMIT,
        "the tool wrote more than " + limits.outputMaxBytes() + " output bytes");
  }

  /**
   * Redacts the output once the guest has ended, on its thread while its watch still runs: against
   * every secret guarded for the invocation, a large output is work the guest caused, so it is
   * counted in its CPU time and stopped by its deadline. Stopped so, the output is empty, never
   * unredacted.
   */
  void sealOutput() {
    try {
      sealedOutput = boundary.redact(output.toByteArray());
    } catch (RedactionInterrupted stopped) {
      sealedOutput = new byte[0];
    }
  }

  /**
   * The output, redacted ({@link #sealOutput()}): it is checked to be JSON only after.
   *
   * @throws IllegalStateException before the guest's run sealed it
   */
  public byte[] output() {
    if (sealedOutput == null) {
      throw new IllegalStateException("the output is sealed at the end of the guest's run");
    }
    return sealedOutput;
  }

  /**
   * Records a guest log entry and hands it to the node's relay into the service log. Control
   * characters are replaced so a guest cannot forge log lines.
   *
   * <p>An entry costs what it adds to the answer: {@value GuestLog#ENTRY_BYTES} bytes of its own
   * plus its message as a JSON string, against the contract's log bytes; an empty message is not
   * free. The entry past the log bytes or past the node's entries per invocation stops the guest.
   */
  public void log(LogLevel level, byte[] message) {
    if (logs.size() >= guestLogs.maxEntries()) {
      throw logFull();
    }
    String text = sanitize(boundary.redact(new String(message, StandardCharsets.UTF_8)));
    long cost = GuestLog.ENTRY_BYTES + JsonText.encodedLength(text);
    if (cost > logRoom()) {
      throw logFull();
    }
    logBytes += cost;
    logs.add(new GuestLog(level, text));
    guestLogs.relay(tool, context, level, text);
  }

  /**
   * Whether the host may write one more line about this invocation into the service log, within the
   * rate its tenant and tool have there for the guest's own entries ({@link GuestLogs#mayWrite}).
   */
  public boolean hostMayLog() {
    return guestLogs.mayWrite(tool, context);
  }

  /**
   * Message bytes, as the tool writes them, the next entry may have: a message longer than this
   * stops the tool with {@link #logFull} before the host reads it. Negative once no entry fits.
   */
  public long logMessageRoom() {
    return logs.size() >= guestLogs.maxEntries() ? -1 : logRoom() - GuestLog.ENTRY_BYTES;
  }

  private long logRoom() {
    return limits.logMaxBytes() - logBytes;
  }

  /** The stop of a tool whose next log entry does not fit: too many entries or too many bytes. */
  public GuestHalt logFull() {
    if (logs.size() >= guestLogs.maxEntries()) {
      return new GuestHalt(
          Outcome.LOG_LIMIT, "the tool logged more than " + guestLogs.maxEntries() + " entries");
    }
    return new GuestHalt(
        Outcome.LOG_LIMIT,
        "the tool logged more than "
            + limits.logMaxBytes()
            + " bytes (each entry counts "
            + GuestLog.ENTRY_BYTES
            + " bytes beyond its message)");
  }

  public List<GuestLog> logs() {
    return List.copyOf(logs);
  }

  /**
   * Replaces the pending result of the last producing host call with {@code bytes}, redacted, and
   * returns the length the tool reads.
   */
  public int result(byte[] bytes) {
    return (int) hold(new PendingResult.Ready(boundary.redact(bytes)));
  }

  /** The same with a JSON object or array, every name and string in it redacted. */
  public int result(JsonObject json) {
    return resultJson(json);
  }

  public int result(JsonArray json) {
    return resultJson(json);
  }

  private int resultJson(Object json) {
    return result(Json.encode(boundary.redactJson(json)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The same with {@code head} followed by one last member, {@code name} with the string {@code
   * text}, both redacted: the text is held as it is and escaped only as the tool reads it, so a
   * long text costs the host its own size, not its escaped size (up to six times it).
   *
   * @return the length the tool reads, which may exceed what an {@code i32} can say
   */
  public long result(JsonObject head, String name, String text) {
    byte[] encoded =
        Json.encode(((JsonObject) boundary.redactJson(head)).copy().put(name, ""))
            .getBytes(StandardCharsets.UTF_8);
    // The encoding ends with the empty string's quotes and the closing brace: `"name":""}`.
    int open = encoded.length - 2;
    return hold(
        new PendingResult.EndingInText(
            Arrays.copyOf(encoded, open),
            boundary.redact(text),
            Arrays.copyOfRange(encoded, open, encoded.length)));
  }

  private long hold(PendingResult pending) {
    this.result = pending;
    return pending.length();
  }

  /** What the last producing host call left for {@code result_read}, if any. */
  public Optional<PendingResult> result() {
    return Optional.ofNullable(result);
  }

  /**
   * A log message as the operator's log and the caller may show it: every control character, and
   * every character that changes how text around it reads without showing itself (format characters
   * such as the right-to-left override U+202E or zero-width ones; line and paragraph separators),
   * becomes U+FFFD, so a tool cannot forge or disguise lines.
   */
  private static String sanitize(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    text.codePoints().forEach(c -> clean.appendCodePoint(shows(c) ? c : 0xFFFD));
    return clean.toString();
  }

  private static boolean shows(int c) {
    int type = Character.getType(c);
    return !Character.isISOControl(c)
        && type != Character.FORMAT
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR;
  }
}
