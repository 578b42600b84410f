package com.infrafabric.llm.vault;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Removes secrets from text: each whole secret, written raw (either case), in hex (either case), in
 * Base64 (standard or URL-safe, any byte alignment, with or without padding) or in Base32 (RFC
 * 4648's standard or extended-hex alphabet, either case, any byte alignment, with or without
 * padding), with ASCII whitespace anywhere in it (MIME line wrapping), with NULs anywhere in it (so
 * in UTF-16 of either byte order or UTF-32, {@link NulFreeText}), and with any of its characters
 * escaped as percent-encoding, <code>&#92;u</code>, <code>&#92;x</code>, JSON or HTML escapes
 * (numeric references with or without their {@code ;}, with any number of leading zeros, {@link
 * EscapedText}). Each match, with the encoding characters beside it that carry bits of the secret,
 * becomes {@value #MARK}. The README's credential section states this promise; the tests pin each
 * entry.
 *
 * <p>Not caught, by design: pieces of a secret, and any other transformation (reversed, rotated,
 * compressed, encrypted, Base64 with its case changed, other character sets such as EBCDIC, or two
 * encodings stacked but for escapes, NULs and whitespace). Pieces were caught once (any 8 bytes),
 * which made redaction an oracle: whatever passes it can be chosen by the tool or its caller (its
 * output, its stored values, a prompt the model repeats, a body an origin echoes), and a guess of 7
 * known bytes and one more came back redacted exactly when it was right, so a secret fell byte by
 * byte in as many calls as it has bytes. Matching only the whole secret leaves nothing to learn but
 * whether a whole guess is right (in the raw form, up to case). Against an origin that may reflect
 * what it receives, only withholding the response helps: that is why a credential carries a
 * response policy.
 *
 * <p>Immutable and thread-safe; one pass over the text per encoding, secret and reading ({@link
 * EscapedText}), and one more to drop NULs when the text holds any, in time linear in the text.
 */
public final class Redactor {

  /** What a redacted secret reads as. */
  public static final String MARK = "[REDACTED]";

  private static final Redactor NONE = new Redactor(List.of());

  /**
   * How many characters a scan reads between two looks at its thread's interrupt (a power of 2).
   */
  private static final int CHECK_EVERY = 4096;

  private final List<WindowIndex> indexes;

  private Redactor(List<WindowIndex> indexes) {
    this.indexes = indexes;
  }

  /** Redacts nothing: no secret is in use. */
  public static Redactor none() {
    return NONE;
  }

  /** Redacts each of {@code secrets} (visible ASCII, at least 8 characters). */
  public static Redactor of(Collection<String> secrets) {
    if (secrets.isEmpty()) {
      return NONE;
    }
    List<WindowIndex> indexes = new ArrayList<>();
    for (String secret : secrets) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      for (SecretEncoding encoding : SecretEncoding.values()) {
        indexes.add(WindowIndex.of(encoding, bytes));
      }
    }
    return new Redactor(List.copyOf(indexes));
  }

  /**
   * {@code text} with every secret replaced by {@value #MARK}.
   *
   * @throws RedactionInterrupted if the calling thread is interrupted meanwhile
   */
  public String redact(String text) {
    if (indexes.isEmpty() || text.isEmpty()) {
      return text;
    }
    BitSet marks = new BitSet(text.length());
    if (NulFreeText.holdsNul(text)) {
      NulFreeText read = NulFreeText.of(text);
      scan(read.text(), () -> read.inSource(scans(marks)));
    } else {
      scan(text, () -> scans(marks));
    }
    return marks.isEmpty() ? text : replaced(text, marks);
  }

  /**
   * {@code bytes} (any bytes: a tool's stored value, UTF-8 text) with every secret replaced. The
   * bytes are read one character each, so an ASCII secret is found in any text or binary encoding
   * that keeps ASCII as ASCII, and a replaced span, being ASCII, never cuts a UTF-8 sequence.
   */
  public byte[] redact(byte[] bytes) {
    if (indexes.isEmpty()) {
      return bytes;
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String clean = redact(text);
    return clean.equals(text) ? bytes : clean.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * {@code bytes} (an answer an origin sent) redacted as {@link #redact(byte[])} does: the very
   * buffer when there is nothing to redact, so a caller without secrets copies nothing.
   */
  public Buffer redact(Buffer bytes) {
    if (indexes.isEmpty()) {
      return bytes;
    }
    byte[] raw = bytes.getBytes();
    byte[] clean = redact(raw);
    return clean == raw ? bytes : Buffer.buffer(clean);
  }

  /** Both readings of {@code text} ({@link EscapedText}), each fed to fresh {@code scans}. */
  private static void scan(String text, Supplier<EscapedText.Sink> scans) {
    EscapedText.literal(text, scans.get());
    if (EscapedText.mayHoldEscapes(text)) {
      EscapedText.decoded(text, scans.get());
    }
  }

  /**
   * A fresh scan per index, fed each character of one reading. Every {@value #CHECK_EVERY}
   * characters it asks whether its thread was interrupted, and stops with {@link
   * RedactionInterrupted} if so: redacting a large text against many secrets is work its caller
   * causes (a guest's output, an answer it asked an origin for), and must stop when the caller's
   * deadline or CPU time does.
   */
  private EscapedText.Sink scans(BitSet marks) {
    WindowIndex.Scan[] scans = new WindowIndex.Scan[indexes.size()];
    for (int i = 0; i < scans.length; i++) {
      scans[i] = indexes.get(i).scan(marks);
    }
    int[] read = {0};
    return (c, start, end) -> {
      if ((++read[0] & (CHECK_EVERY - 1)) == 0 && Thread.currentThread().isInterrupted()) {
        throw new RedactionInterrupted();
      }
      for (WindowIndex.Scan scan : scans) {
        scan.accept(c, start, end);
      }
    };
  }

  private static String replaced(String text, BitSet marks) {
    StringBuilder clean = new StringBuilder(text.length());
    int from = 0;
    for (int start = marks.nextSetBit(0); start >= 0; start = marks.nextSetBit(start)) {
      int end = marks.nextClearBit(start);
      clean.append(text, from, start).append(MARK);
      from = end;
      start = end;
    }
    return clean.append(text, from, text.length()).toString();
  }
}
