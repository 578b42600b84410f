package com.infrafabric.platform.http;

/**
 * Caller text cut to fit an answer. A message quotes what a caller sent so that the caller can see
 * its mistake, but must not grow with what it sent: a 9,000-character value quoted whole makes the
 * refusal as long as the request, and the log line that records it too. Every cut ends in an
 * ellipsis, so a reader knows it was cut, and never splits a surrogate pair.
 */
public final class Excerpt {

  /**
   * The most of one caller value a message quotes: enough to recognize a name, an origin or a
   * header, not a document.
   */
  public static final int VALUE_CHARS = 64;

  private Excerpt() {}

  /** At most {@code max} characters of {@code text}, the last an ellipsis if it was cut. */
  public static String of(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isLowSurrogate(text.charAt(max - 1)) ? max - 2 : max - 1;
    return text.substring(0, end) + "\u2026";
  }

  /** {@code value} in double quotes, cut to {@link #VALUE_CHARS}: a caller's value in a message. */
  public static String quoted(String value) {
    return '"' + of(value, VALUE_CHARS) + '"';
  }
}
