package com.infrafabric.llm.vault;

/**
 * The two ways the {@link Redactor} reads a text, each as a stream of characters with the span of
 * the source each stands for, ASCII whitespace left out (so line-wrapped or spaced encodings read
 * as one run):
 *
 * <ul>
 *   <li>{@link #literal}: the characters as they are;
 *   <li>{@link #decoded}: every escape read as the character it stands for, wherever it appears and
 *       whether or not the characters around it are escaped too: {@code %HH} (percent-encoding),
 *       <code>&#92;uHHHH</code> and <code>&#92;xHH</code>, JSON's <code>&#92;"</code>, <code>
 *       &#92;&#92;</code> and <code>&#92;/</code> (and <code>&#92;n</code>, <code>&#92;r</code>,
 *       <code>&#92;t</code>, <code>&#92;f</code> as whitespace), and the HTML character references
 *       {@code &#NN;} and {@code &#xHH;} (the {@code ;} optional and any number of leading zeros,
 *       as HTML parsers take them), {@code &quot;}, {@code &amp;}, {@code &lt;}, {@code &gt;} and
 *       {@code &apos;}.
 * </ul>
 *
 * Reading both keeps a secret that itself holds something like {@code %41} findable as written. The
 * {@link Redactor} reads a text holding NULs without them ({@link NulFreeText}).
 */
final class EscapedText {

  /** Receives the characters of a stream, each with the source span {@code [start, end)}. */
  interface Sink {
    void accept(char c, int start, int end);
  }

  private static final String[][] NAMED = {
    {"&quot;", "\""}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&apos;", "'"}
  };

  private EscapedText() {}

  static void literal(CharSequence text, Sink sink) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!whitespace(c)) {
        sink.accept(c, i, i + 1);
      }
    }
  }

  /** False if no escape can start anywhere in {@code text}: then both readings are the same. */
  static boolean mayHoldEscapes(String text) {
    return text.indexOf('%') >= 0 || text.indexOf('\\') >= 0 || text.indexOf('&') >= 0;
  }

  static void decoded(CharSequence text, Sink sink) {
    int i = 0;
    while (i < text.length()) {
      long escape = escape(text, i);
      int length = escape == NONE ? 1 : (int) (escape >>> 32);
      char c = escape == NONE ? text.charAt(i) : (char) escape;
      if (!whitespace(c)) {
        sink.accept(c, i, i + length);
      }
      i += length;
    }
  }

  /** No escape starts here. */
  private static final long NONE = -1;

  /** The escape starting at {@code i}: its length in the high half, its character in the low. */
  private static long escape(CharSequence text, int i) {
    char c = text.charAt(i);
    if (c == '%') {
      return hex(text, i + 1, 2, 3);
    }
    if (c == '&') {
      return reference(text, i);
    }
    if (c != '\\' || i + 1 >= text.length()) {
      return NONE;
    }
    return switch (text.charAt(i + 1)) {
      case 'u' -> hex(text, i + 2, 4, 6);
      case 'x' -> hex(text, i + 2, 2, 4);
      case '"', '\\', '/' -> escaped(2, text.charAt(i + 1));
      case 'n', 'r', 't', 'f' -> escaped(2, ' ');
      default -> NONE;
    };
  }

  /**
   * A named reference, or a numeric one with or without its closing {@code ;} (HTML parsers read
   * {@code &#83&#51} as {@code S3}), its digits taken as far as they go, as theirs do: any number
   * of leading zeros ({@code &#000083;}, {@code &#x0000053;}), then up to six more.
   */
  private static long reference(CharSequence text, int i) {
    for (String[] named : NAMED) {
      if (startsWith(text, i, named[0])) {
        return escaped(named[0].length(), named[1].charAt(0));
      }
    }
    if (!startsWith(text, i, "&#")) {
      return NONE;
    }
    boolean hex = i + 2 < text.length() && (text.charAt(i + 2) == 'x' || text.charAt(i + 2) == 'X');
    int digits = i + (hex ? 3 : 2);
    int significant = digits;
    while (significant < text.length() && text.charAt(significant) == '0') {
      significant++;
    }
    int value = 0;
    int j = significant;
    int radix = hex ? 16 : 10;
    while (j < text.length() && j - significant < 6 && digit(text.charAt(j), radix) >= 0) {
      value = value * radix + digit(text.charAt(j), radix);
      j++;
    }
    if (j == digits || value > Character.MAX_VALUE) {
      return NONE;
    }
    boolean closed = j < text.length() && text.charAt(j) == ';';
    return escaped(j - i + (closed ? 1 : 0), (char) value);
  }

  /** {@code digits} hex digits from {@code from}, as an escape of {@code length} characters. */
  private static long hex(CharSequence text, int from, int digits, int length) {
    if (from + digits > text.length()) {
      return NONE;
    }
    int value = 0;
    for (int j = from; j < from + digits; j++) {
      int digit = digit(text.charAt(j), 16);
      if (digit < 0) {
        return NONE;
      }
      value = value * 16 + digit;
    }
    return escaped(length, (char) value);
  }

  /** An ASCII digit's value in {@code radix}, or -1. */
  private static int digit(char c, int radix) {
    return c < 128 ? Character.digit(c, radix) : -1;
  }

  private static long escaped(int length, char c) {
    return ((long) length << 32) | c;
  }

  private static boolean startsWith(CharSequence text, int i, String prefix) {
    if (i + prefix.length() > text.length()) {
      return false;
    }
    for (int j = 0; j < prefix.length(); j++) {
      if (text.charAt(i + j) != prefix.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** ASCII whitespace only, so a span never ends inside a multi-byte character of another text. */
  static boolean whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }
}
