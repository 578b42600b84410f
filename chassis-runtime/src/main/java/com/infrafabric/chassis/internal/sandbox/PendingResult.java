package com.infrafabric.chassis.internal.sandbox;

import com.dylibso.chicory.runtime.Memory;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.infrafabric.chassis.JsonText;

/**
 * What the last producing host call left for {@code result_read}: its length is known at once, its
 * bytes are written into guest memory when the tool reads them. A JSON answer that ends in a long
 * text (an HTTP body) is held as that text and escaped piece by piece while it is copied, so what
 * the host holds is the text itself, never its escaped form: a body of control bytes takes six
 * bytes a byte once escaped ({@code \u0001}), which only the guest's own memory ever holds.
 */
public sealed interface PendingResult {

  /** Characters of the text escaped at once while copying: at most 6 bytes each. */
  int CHUNK_CHARS = 8192;

  /** Bytes the tool reads. */
  long length();

  /** Host bytes held for it at most: what the memory budget must cover. */
  long heldBytes();

  /**
   * Writes the whole result at {@code ptr}, after checking the guest buffer {@code [ptr,
   * ptr+capacity)} lies in memory; the caller has checked that the result fits capacity.
   */
  void copyTo(Memory memory, String function, int ptr, int capacity);

  /** Bytes ready as they are read. */
  record Ready(byte[] bytes) implements PendingResult {
    @Override
    public long length() {
      return bytes.length;
    }

    @Override
    public long heldBytes() {
      return bytes.length;
    }

    @Override
    public void copyTo(Memory memory, String function, int ptr, int capacity) {
      GuestMemory.write(memory, function, ptr, capacity, bytes);
    }
  }

  /**
   * A JSON object whose last member is a string: {@code head} is its encoding up to and including
   * that string's opening quote, {@code text} the string's value, unescaped, and {@code tail} what
   * follows its closing quote.
   */
  record EndingInText(byte[] head, String text, byte[] tail) implements PendingResult {
    @Override
    public long length() {
      return head.length + JsonText.encodedLength(text) + tail.length;
    }

    /** UTF-16 at worst: two bytes a character. */
    @Override
    public long heldBytes() {
      return head.length + 2L * text.length() + tail.length;
    }

    @Override
    public void copyTo(Memory memory, String function, int ptr, int capacity) {
      GuestMemory.check(memory, function, ptr, capacity);
      long at = Integer.toUnsignedLong(ptr);
      at = put(memory, at, head);
      for (int start = 0; start < text.length(); ) {
        int end = Math.min(text.length(), start + CHUNK_CHARS);
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
          end--;
        }
        at =
            put(
                memory,
                at,
                JsonStringEncoder.getInstance().quoteAsUTF8(text.substring(start, end)));
        start = end;
      }
      put(memory, at, tail);
    }

    private static long put(Memory memory, long at, byte[] bytes) {
      memory.write((int) at, bytes, 0, bytes.length);
      return at + bytes.length;
    }
  }
}
