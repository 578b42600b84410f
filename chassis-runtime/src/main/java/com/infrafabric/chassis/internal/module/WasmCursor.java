package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.MalformedModuleException;

/**
 * Reads the primitives of the WebAssembly binary format from a byte range, without allocating:
 * unsigned and signed LEB128 integers, single bytes, and skips. Every read is checked against the
 * end of the range, so a declared length or count can never move it past bytes that exist.
 */
final class WasmCursor {

  private final byte[] bytes;
  private int position;
  private int end;

  WasmCursor(byte[] bytes, int position, int end) {
    this.bytes = bytes;
    this.position = position;
    this.end = end;
  }

  int position() {
    return position;
  }

  int remaining() {
    return end - position;
  }

  boolean atEnd() {
    return position >= end;
  }

  /** Reads until {@code newEnd} only (a section or body inside the current range). */
  int narrow(int newEnd) {
    int outer = end;
    end = newEnd;
    return outer;
  }

  /** Moves to {@code newPosition} and reads up to {@code outer} again. */
  void widen(int newPosition, int outer) {
    position = newPosition;
    end = outer;
  }

  /** The next byte, not consumed. */
  int peek() {
    if (position >= end) {
      throw malformed("module ends inside a section");
    }
    return bytes[position] & 0xFF;
  }

  int u8() {
    if (position >= end) {
      throw malformed("module ends inside a section");
    }
    return bytes[position++] & 0xFF;
  }

  /** An unsigned LEB128 of at most 5 bytes, as every count and size in the binary format. */
  long u32() {
    long result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = u8();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (result > 0xFFFFFFFFL) {
          throw malformed("module holds a length above 2^32");
        }
        return result;
      }
    }
    throw malformed("module holds a length longer than 5 bytes");
  }

  /** Skips a signed LEB128 of at most {@code maxBytes} bytes (5 for i32, 10 for i64). */
  void skipLeb(int maxBytes) {
    for (int i = 0; i < maxBytes; i++) {
      if ((u8() & 0x80) == 0) {
        return;
      }
    }
    throw malformed("module holds an integer longer than " + maxBytes + " bytes");
  }

  /** Skips {@code count} bytes, which must exist. */
  void skip(long count) {
    if (count > remaining()) {
      throw malformed("module declares " + count + " bytes where " + remaining() + " remain");
    }
    position += (int) count;
  }

  /** Skips a name: its length, then that many bytes. */
  void skipName() {
    skip(u32());
  }

  static MalformedModuleException malformed(String message) {
    return new MalformedModuleException(ErrorCode.MALFORMED_MODULE, message);
  }
}
