package com.infrafabric.governor.gateway;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads server-sent events from a stream's bytes as the WHATWG HTML standard does (and the official
 * SDKs after it), chunk by chunk as they come: a line ends at CR, LF or CRLF (a CRLF a chunk cuts
 * in two included), a leading byte order mark is skipped, a line starting with {@code :} is a
 * comment, a line's field name ends at its first {@code :} and one space after it is dropped from
 * the value; {@code data} values are joined with {@code \n}, and a blank line dispatches the event
 * if it has data. An event the stream ends without its blank line is never dispatched. Values are
 * UTF-8, a malformed sequence read as U+FFFD, as the standard decodes them.
 *
 * <p>What an event may hold is bounded: once the line being read and the data of the event being
 * read together exceed {@code maxEventBytes}, the reader stops ({@link #overlong}); the relay never
 * buffers an endless line or event. Used by one stream on one event loop; not thread-safe.
 */
final class SseEventReader {

  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final long maxEventBytes;

  /** The start of the line a chunk cut. */
  private Buffer partial = Buffer.buffer();

  /** The data of the event being read, each value followed by {@code \n}. */
  private final StringBuilder data = new StringBuilder();

  private long dataBytes;
  private String type = "";
  private boolean afterCarriageReturn;
  private boolean firstLine = true;
  private boolean overlong;

  SseEventReader(long maxEventBytes) {
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Reads {@code chunk}, the stream's next bytes, and returns the events it completed, in order: up
   * to where it passed the bound, if it did ({@link #overlong}); none once the reader is overlong.
   */
  List<SseEvent> read(Buffer chunk) {
    List<SseEvent> events = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < chunk.length() && !overlong; i++) {
      byte b = chunk.getByte(i);
      if (b == '\n' && afterCarriageReturn) {
        afterCarriageReturn = false;
        start = i + 1;
        continue;
      }
      afterCarriageReturn = b == '\r';
      if (b == '\n' || b == '\r') {
        partial.appendBuffer(chunk, start, i - start);
        line(events);
        start = i + 1;
      }
    }
    if (!overlong) {
      partial.appendBuffer(chunk, start, chunk.length() - start);
      overlong = held() > maxEventBytes;
    }
    return events;
  }

  /** True once a line, or an event, exceeded the bound: nothing more is read. */
  boolean overlong() {
    return overlong;
  }

  private long held() {
    return partial.length() + dataBytes;
  }

  /** The line in {@link #partial} ended: it is read, and a blank one dispatches the event. */
  private void line(List<SseEvent> events) {
    Buffer line = partial;
    partial = Buffer.buffer();
    if (firstLine && startsWithByteOrderMark(line)) {
      line = line.getBuffer(BYTE_ORDER_MARK.length, line.length());
    }
    firstLine = false;
    if (line.length() + dataBytes > maxEventBytes) {
      overlong = true;
    } else if (line.length() == 0) {
      dispatch(events);
    } else if (line.getByte(0) != ':') {
      field(line);
    }
  }

  private void field(Buffer line) {
    int colon = 0;
    while (colon < line.length() && line.getByte(colon) != ':') {
      colon++;
    }
    int from = Math.min(colon + 1, line.length());
    if (from < line.length() && line.getByte(from) == ' ') {
      from++;
    }
    String name = text(line, 0, colon);
    if (name.equals("data")) {
      data.append(text(line, from, line.length())).append('\n');
      dataBytes += line.length() - from + 1;
    } else if (name.equals("event")) {
      type = text(line, from, line.length());
    }
  }

  private void dispatch(List<SseEvent> events) {
    if (data.length() > 0) {
      data.setLength(data.length() - 1);
      events.add(new SseEvent(type.isEmpty() ? null : type, data.toString()));
    }
    data.setLength(0);
    dataBytes = 0;
    type = "";
  }

  private static String text(Buffer line, int from, int to) {
    return new String(line.getBytes(from, to), StandardCharsets.UTF_8);
  }

  private static boolean startsWithByteOrderMark(Buffer line) {
    if (line.length() < BYTE_ORDER_MARK.length) {
      return false;
    }
    for (int i = 0; i < BYTE_ORDER_MARK.length; i++) {
      if (line.getByte(i) != BYTE_ORDER_MARK[i]) {
        return false;
      }
    }
    return true;
  }
}
