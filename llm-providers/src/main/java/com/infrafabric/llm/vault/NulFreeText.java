package com.infrafabric.llm.vault;

/**
 * A text without its NUL characters, and where each of its characters stands in the source. An
 * ASCII secret written in UTF-16 (either byte order) or UTF-32 has NULs between and around its
 * characters once its bytes are read one character each (as {@link Redactor#redact(byte[])} reads
 * them, and as UTF-8 decoding leaves them); without them it reads as itself, and so do its other
 * encodings and escapes written so. A secret is visible ASCII: dropping NULs never hides one.
 * Immutable.
 */
final class NulFreeText {

  private final String text;
  private final int[] sources;

  private NulFreeText(String text, int[] sources) {
    this.text = text;
    this.sources = sources;
  }

  /** True if {@code text} holds a NUL, so reading it without them differs. */
  static boolean holdsNul(String text) {
    return text.indexOf('\0') >= 0;
  }

  static NulFreeText of(String source) {
    StringBuilder text = new StringBuilder(source.length());
    int[] sources = new int[source.length()];
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c != '\0') {
        sources[text.length()] = i;
        text.append(c);
      }
    }
    return new NulFreeText(text.toString(), sources);
  }

  String text() {
    return text;
  }

  /**
   * {@code sink} fed spans of the source: a span of this text becomes the source span from its
   * first character to its last, with the NULs between them.
   */
  EscapedText.Sink inSource(EscapedText.Sink sink) {
    return (c, start, end) -> sink.accept(c, sources[start], sources[end - 1] + 1);
  }
}
