package com.infrafabric.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of the MCP stdio transport, read as bytes with a bound: a line is never held whole
 * beyond {@code maxBytes}, so a client (or a stray pipe) writing a line of hundreds of megabytes
 * costs the bridge its bound and no more, and the bridge goes on with the next line. Text is
 * decoded strictly, as the chassis decodes a body: malformed UTF-8 is refused, never replaced.
 *
 * <p>Not thread-safe: one reader thread takes the lines in order.
 */
final class StdinLines {

  /** How much of an over-long line's start and end is kept to find its request id. */
  static final int KEPT_FOR_ID = 4096;

  private final InputStream in;
  private final int maxBytes;
  private final byte[] chunk = new byte[8192];
  private int chunkStart;
  private int chunkEnd;

  /** Lines of {@code in}; {@code maxBytes} is the longest line (without its line break) read. */
  StdinLines(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** One line read from stdin, as a result: its text, or why it is refused. */
  sealed interface Line {}

  /** A line of well-formed UTF-8 within the bound. */
  record Text(String text) implements Line {}

  /**
   * A line longer than the bound, discarded as it streamed; {@code head} and {@code tail} are its
   * first and last bytes (at most {@link #KEPT_FOR_ID} each), where its id may be read.
   */
  record TooLong(long bytes, byte[] head, byte[] tail) implements Line {}

  /** A line within the bound that is not well-formed UTF-8; {@code bytes} is the line. */
  record NotUtf8(byte[] bytes) implements Line {}

  /** The next line, without its line break ({@code \n} or {@code \r\n}); null at end of input. */
  Line next() throws IOException {
    ByteSink line = new ByteSink(maxBytes);
    boolean any = false;
    while (true) {
      if (chunkStart == chunkEnd && !fill()) {
        return any ? finish(line) : null;
      }
      any = true;
      int newline = indexOfNewline();
      int end = newline < 0 ? chunkEnd : newline;
      line.append(chunk, chunkStart, end - chunkStart);
      chunkStart = newline < 0 ? chunkEnd : newline + 1;
      if (newline >= 0) {
        return finish(line);
      }
    }
  }

  private boolean fill() throws IOException {
    int read = in.read(chunk);
    chunkStart = 0;
    chunkEnd = Math.max(read, 0);
    return read > 0;
  }

  private int indexOfNewline() {
    for (int i = chunkStart; i < chunkEnd; i++) {
      if (chunk[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Line finish(ByteSink line) {
    if (line.overflowed()) {
      return new TooLong(line.total, line.head(), line.tail());
    }
    byte[] bytes = line.bytes();
    int length =
        bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    byte[] text = Arrays.copyOf(bytes, length);
    try {
      return new Text(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(text))
              .toString());
    } catch (CharacterCodingException malformed) {
      return new NotUtf8(text);
    }
  }

  /**
   * The bytes of one line up to the bound; past it, only the first bytes already held and a ring of
   * the last {@link #KEPT_FOR_ID}.
   */
  private static final class ByteSink {
    private final int maxBytes;
    private byte[] held = new byte[256];
    private int size;
    private long total;
    private final byte[] ring = new byte[KEPT_FOR_ID];

    ByteSink(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    void append(byte[] bytes, int offset, int length) {
      int skipped = Math.max(0, length - KEPT_FOR_ID); // overwritten in the ring anyway
      total += skipped;
      for (int i = offset + skipped; i < offset + length; i++) {
        ring[(int) (total % KEPT_FOR_ID)] = bytes[i];
        total++;
      }
      int room = (int) Math.max(0, Math.min(length, (long) maxBytes + 1 - size));
      if (room > 0) {
        if (size + room > held.length) {
          held =
              Arrays.copyOf(held, Math.max(size + room, Math.min(held.length * 2, maxBytes + 1)));
        }
        System.arraycopy(bytes, offset, held, size, room);
        size += room;
      }
    }

    boolean overflowed() {
      // A final '\r' belongs to the line break, not the line.
      return total > maxBytes + (total > 0 && lastByte() == '\r' ? 1 : 0);
    }

    byte[] bytes() {
      return Arrays.copyOf(held, size);
    }

    byte[] head() {
      return Arrays.copyOf(held, Math.min(size, KEPT_FOR_ID));
    }

    byte[] tail() {
      int kept = (int) Math.min(total, KEPT_FOR_ID);
      byte[] tail = new byte[kept];
      for (int i = 0; i < kept; i++) {
        tail[i] = ring[(int) ((total - kept + i) % KEPT_FOR_ID)];
      }
      return tail;
    }

    private byte lastByte() {
      return ring[(int) ((total - 1) % KEPT_FOR_ID)];
    }
  }
}
