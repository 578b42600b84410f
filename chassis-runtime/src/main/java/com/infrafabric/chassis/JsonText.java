package com.infrafabric.chassis;

/**
 * Sizes of text once written as a JSON string: what a guest's text costs in the answer that carries
 * it. Counted the way the answer's encoder writes: UTF-8, with quote, backslash and control
 * characters escaped.
 */
public final class JsonText {

  private static final int SHORT_ESCAPE = 2;
  private static final int UNICODE_ESCAPE = 6;

  private JsonText() {}

  /** Bytes {@code text} takes inside a JSON string, without the surrounding quotes. */
  public static long encodedLength(CharSequence text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      bytes += encodedLength(text.charAt(i));
    }
    return bytes;
  }

  /**
   * The longest prefix of {@code text} that takes at most {@code maxBytes} inside a JSON string,
   * never splitting a surrogate pair: how an answer bounds guest text that escaping could grow.
   */
  public static String cut(String text, long maxBytes) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      bytes += encodedLength(text.charAt(i));
      if (bytes > maxBytes) {
        return text.substring(0, Character.isLowSurrogate(text.charAt(i)) ? i - 1 : i);
      }
    }
    return text;
  }

  /**
   * Bytes one UTF-16 unit takes; each half of a surrogate pair counts 2, together the 4 bytes of
   * their code point. (Text decoded from UTF-8 holds no lone surrogates.)
   */
  public static int encodedLength(char c) {
    if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
      return SHORT_ESCAPE;
    }
    if (c < 0x20) {
      return UNICODE_ESCAPE;
    }
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    return Character.isSurrogate(c) ? 2 : 3;
  }
}
