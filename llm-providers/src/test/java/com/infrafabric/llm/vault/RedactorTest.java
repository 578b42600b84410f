package com.infrafabric.llm.vault;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.llm.testing.Base32;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each entry of the redaction promise (README, "Credentials, and why that way"), with secrets
 * longer than 57 bytes (where MIME Base64 wraps and real API keys live): the whole secret, raw in
 * either case, hex, Base64 and Base32 at every alignment in both alphabets, line-wrapped, in UTF-16
 * and UTF-32, and with its characters escaped in every way listed, alone and mixed; through the
 * text and the bytes path alike. And where the promise ends: no piece, so that redaction tells no
 * one which guess of a piece was right.
 */
@Timeout(30)
class RedactorTest {

  /** 73 bytes with every character an escape or an encoding treats specially. */
  private static final String SECRET =
      "sk-proj-\"q\\7%41+/=Zx_-Ab&<>'9TzK0pLm3Vw8Rt2Yh6Nd4Qs1Jf5Gc7Xe9Ub0Io2Kl4Mn6Pq8";

  /** 100 bytes of a real key's alphabet. */
  private static final String KEY =
      "sk-ant-api03-"
          + "Jd8f2LqP0zXv7NcR4tYb1MwK9sHgE3uA6oIeT5rWnQyZ"
          + "x".repeat(0)
          + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2qS5tV8wX1zA4cD7fG0";

  private static final Redactor REDACTOR = Redactor.of(List.of(SECRET, KEY));

  /**
   * Regression (probe): redacting a large text against many secrets ran on a guest's thread past
   * its deadline and CPU time, since nothing in it looked at the interrupt by which the watchdog
   * stops a guest. An interrupted redaction stops, and says so rather than returning the text.
   */
  @Test
  void anInterruptedRedactionStopsAndReturnsNothing() {
    Redactor redactor = Redactor.of(List.of(SECRET));
    String text = "x".repeat(1 << 20);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> redactor.redact(text)).isInstanceOf(RedactionInterrupted.class);
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt stays set").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(redactor.redact(text)).isSameAs(text);
  }

  @Test
  void theSecretsAreLongEnoughForEveryRuleToMatter() {
    assertThat(SECRET.length()).isGreaterThan(57);
    assertThat(KEY.length()).isGreaterThanOrEqualTo(100);
  }

  @Test
  void rawTheWholeSecretWhereverItIs() {
    for (String secret : List.of(SECRET, KEY)) {
      assertClean("Authorization: Bearer " + secret + "!", secret);
      assertClean("<p>" + secret + secret + "</p>", secret);
    }
  }

  @Test
  void hexInEitherCaseWithOrWithoutSpacesAndAtHalfByteOffsets() {
    for (String secret : List.of(SECRET, KEY)) {
      String hex = HexFormat.of().formatHex(secret.getBytes(UTF_8));
      assertClean("x-" + hex + ": 1", secret);
      assertClean(hex.toUpperCase(Locale.ROOT), secret);
      assertClean(mixedCase(hex), secret);
      assertClean(HexFormat.ofDelimiter(" ").formatHex(secret.getBytes(UTF_8)), secret);
      assertThat(REDACTOR.redact("f" + hex + "0")).isEqualTo(Redactor.MARK);
    }
  }

  @Test
  void base64InBothAlphabetsAtEveryAlignmentWithAndWithoutPadding() {
    for (String secret : List.of(SECRET, KEY)) {
      for (String before : List.of("", "a", "ab", "abc", "Basic user:")) {
        for (String after : List.of("", "t", "ta", "tail")) {
          byte[] bytes = (before + secret + after).getBytes(UTF_8);
          for (Base64.Encoder encoder : encoders()) {
            assertCleanBase64(encoder.encodeToString(bytes), secret);
            assertCleanBase64(encoder.withoutPadding().encodeToString(bytes), secret);
          }
        }
      }
    }
  }

  @Test
  void theBase64CharactersBesideARunThatCarryBitsOfTheSecretAndThePaddingGoWithIt() {
    for (String secret : List.of(SECRET, KEY, KEY.substring(1), KEY.substring(2))) {
      for (Base64.Encoder encoder : encoders()) {
        assertThat(REDACTOR.redact(encoder.encodeToString(secret.getBytes(UTF_8))))
            .isEqualTo(Redactor.MARK);
      }
      String shifted = Base64.getEncoder().encodeToString(("ab" + secret).getBytes(UTF_8));
      assertThat(REDACTOR.redact(shifted)).isIn(Redactor.MARK, shifted.charAt(0) + Redactor.MARK);
    }
  }

  @Test
  void mimeAndPemLineWrappedBase64() {
    byte[] bytes = ("{\"authorization\":\"Bearer " + KEY + "\"}").getBytes(UTF_8);
    assertCleanBase64(Base64.getMimeEncoder().encodeToString(bytes), KEY);
    assertCleanBase64(Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(bytes), KEY);
    assertCleanBase64(
        Base64.getMimeEncoder(4, " ".getBytes(UTF_8)).encodeToString(SECRET.getBytes(UTF_8)),
        SECRET);
  }

  @Test
  void percentEncodingOfEveryByteOfSomeBytesAndAsForms() {
    for (String secret : List.of(SECRET, KEY)) {
      assertClean("q=" + percentEvery(secret, "%%%02X") + "&x=1", secret);
      assertClean("q=" + percentEvery(secret, "%%%02x"), secret);
      assertClean("q=" + URLEncoder.encode(secret, UTF_8), secret);
      assertClean(percentEveryOther(secret), secret);
    }
  }

  @Test
  void jsonEscapesOfEveryCharacterAndAsJacksonWritesThem() {
    for (String secret : List.of(SECRET, KEY)) {
      assertClean(new JsonObject().put("authorization", "Bearer " + secret).encode(), secret);
      assertClean("{\"k\":\"" + escapeEvery(secret, "\\u%04x") + "\"}", secret);
      assertClean("{\"k\":\"" + escapeEvery(secret, "\\u%04X") + "\"}", secret);
      assertClean(secret.replace("/", "\\/").replace("\"", "\\\""), secret);
    }
  }

  @Test
  void hexEscapesAndHtmlCharacterReferences() {
    for (String secret : List.of(SECRET, KEY)) {
      assertClean(escapeEvery(secret, "\\x%02x"), secret);
      assertClean("<b>" + escapeEvery(secret, "&#%d;") + "</b>", secret);
      assertClean("<b>" + escapeEvery(secret, "&#x%x;") + "</b>", secret);
      assertClean(
          secret
              .replace("&", "&amp;")
              .replace("<", "&lt;")
              .replace(">", "&gt;")
              .replace("\"", "&quot;")
              .replace("'", "&apos;"),
          secret);
    }
  }

  @Test
  void escapesAroundTheOtherEncodings() {
    String base64 = Base64.getEncoder().encodeToString(("Bearer " + KEY).getBytes(UTF_8));
    assertCleanBase64(URLEncoder.encode(base64, UTF_8), KEY);
    assertCleanBase64(percentEvery(base64, "%%%02x"), KEY);
    String wrapped =
        Base64.getMimeEncoder().encodeToString(("Bearer " + KEY + KEY).getBytes(UTF_8));
    String inJson = new JsonObject().put("blob", wrapped).encode();
    assertThat(inJson).contains("\\r\\n");
    assertCleanBase64(inJson, KEY);
    assertClean(escapeEvery(HexFormat.of().formatHex(KEY.getBytes(UTF_8)), "\\u%04x"), KEY);
  }

  @Test
  void bytesAreRedactedAsTextWithoutBreakingUtf8AroundThem() {
    String text = "é€" + KEY + "漢字";
    byte[] redacted = REDACTOR.redact(text.getBytes(UTF_8));
    assertThat(new String(redacted, UTF_8)).isEqualTo("é€" + Redactor.MARK + "漢字");
    byte[] binary = new byte[] {0, (byte) 0xff, 'x'};
    assertThat(REDACTOR.redact(binary)).isSameAs(binary);
  }

  @Test
  void textWithoutTheSecretsIsUnchangedEvenWhenFullOfEncodedData() {
    Random random = new Random(7);
    byte[] noise = new byte[1 << 20];
    random.nextBytes(noise);
    for (String text :
        List.of(
            "{\"ok\":true}",
            Base64.getMimeEncoder().encodeToString(noise),
            HexFormat.of().formatHex(noise, 0, 1 << 18),
            URLEncoder.encode(new String(noise, 0, 4096, UTF_8), UTF_8),
            "sk-proj",
            "sk-ant-")) {
      assertThat(REDACTOR.redact(text)).isEqualTo(text);
    }
    assertThat(Redactor.none().redact(KEY)).isEqualTo(KEY);
  }

  /**
   * Redaction is no oracle: text a tool or its caller chooses passes it (an output, a stored value,
   * a prompt a model repeats, a body an origin echoes), and when it caught any 8 bytes, a guess of
   * seven known bytes (a provider's prefix) and one more came back redacted exactly when right: a
   * probe read a whole secret that way in 23 calls. Every guess short of the whole secret now
   * passes alike, right or wrong, in every encoding.
   */
  @Test
  void noPieceOfASecretIsRedactedSoNoGuessOfOneIsTold() {
    for (int length = 1; length < KEY.length(); length++) {
      String right = KEY.substring(0, length);
      String wrong = right.substring(0, length - 1) + (right.endsWith("~") ? "^" : "~");
      for (String guess : List.of(right, wrong, KEY.substring(KEY.length() - length))) {
        // Base64's forms leave out the partial groups at the secret's ends and, cut to one length
        // for the three alignments, a few bytes more: only a guess with all but about five bytes
        // right is told, which no piece leads to. Base32's leave out only the characters shared
        // with a neighbour, which a guess's last character, filled with zero bits, may equal: a
        // guess with all but the last byte right may be told, as if it were whole.
        for (String written :
            List.of(
                guess,
                HexFormat.of().formatHex(guess.getBytes(UTF_8)),
                length < KEY.length() - 5
                    ? Base64.getEncoder().encodeToString(guess.getBytes(UTF_8))
                    : guess,
                guess.toUpperCase(Locale.ROOT),
                length < KEY.length() - 1 ? Base32.STANDARD.encode(guess.getBytes(UTF_8)) : guess,
                "{\"k\":\"" + escapeEvery(guess, "\\u%04x") + "\"}",
                new String(guess.getBytes(UTF_16LE), ISO_8859_1))) {
          assertThat(REDACTOR.redact(written)).as(written).isEqualTo(written);
        }
      }
    }
    assertThat(REDACTOR.redact(KEY)).isEqualTo(Redactor.MARK);
  }

  /**
   * Regression: an origin echoing the secret upper-cased handed it back whole, though a
   * case-changed secret is as good as the secret to whoever knows the origin ignores case, or tries
   * both.
   */
  @Test
  void rawInEitherCaseWhereverItIs() {
    for (String secret : List.of(SECRET, KEY)) {
      for (String written :
          List.of(
              secret.toUpperCase(Locale.ROOT),
              secret.toLowerCase(Locale.ROOT),
              swappedCase(secret))) {
        for (String before : List.of("", "x", "Bearer ", "é")) {
          assertClean(before + written + "!", secret);
        }
      }
    }
  }

  /**
   * Regression: an origin echoing the secret in UTF-16 (a NUL beside each character once read as
   * bytes or as UTF-8) handed it back whole. UTF-16 of either byte order and UTF-32, at odd and
   * even byte positions, of the secret and of its other encodings.
   */
  @Test
  void utf16AndUtf32OfTheSecretAndOfItsEncodings() {
    String hex = HexFormat.of().formatHex(KEY.getBytes(UTF_8));
    String base64 = Base64.getEncoder().encodeToString(("Bearer " + KEY).getBytes(UTF_8));
    String refs = "<b>" + escapeEvery(KEY, "&#%d") + "</b>";
    for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE")) {
      for (String prefix : List.of("", "x", "xy", "xyz")) {
        for (String written : List.of(SECRET, KEY, KEY.toUpperCase(Locale.ROOT), hex, refs)) {
          assertClean(
              prefix
                  + new String(
                      ("{\"k\":\"" + written + "\"}").getBytes(Charset.forName(charset)),
                      ISO_8859_1),
              KEY,
              SECRET);
        }
        assertCleanBase64(
            prefix + new String(base64.getBytes(Charset.forName(charset)), ISO_8859_1), KEY);
      }
    }
  }

  @Test
  void textReadAsUtf8WithNulsInItIsRedactedInPlace() {
    String utf16 = new String(("a " + KEY + " b").getBytes(UTF_16LE), UTF_8);
    assertThat(REDACTOR.redact(utf16)).isEqualTo("a\0 \0" + Redactor.MARK + "\0 \0b\0");
  }

  /**
   * Regression: an origin echoing the secret in Base32 handed it back whole. Both of RFC 4648's
   * alphabets, either case, at each of the five byte alignments, with and without padding.
   */
  @Test
  void base32InBothAlphabetsAndEitherCaseAtEveryAlignmentWithAndWithoutPadding() {
    assertThat(Base32.STANDARD.encode("foobar".getBytes(UTF_8))).isEqualTo("MZXW6YTBOI======");
    assertThat(Base32.HEX.encode("foobar".getBytes(UTF_8))).isEqualTo("CPNMUOJ1E8======");
    for (String secret : List.of(SECRET, KEY)) {
      for (String before : List.of("", "a", "ab", "abc", "abcd", "Basic user:")) {
        for (String after : List.of("", "t", "ta", "tai", "tail")) {
          byte[] bytes = (before + secret + after).getBytes(UTF_8);
          for (Base32 base32 : Base32.values()) {
            String padded = base32.encode(bytes);
            for (String written :
                List.of(padded, padded.replace("=", ""), padded.toLowerCase(Locale.ROOT))) {
              assertCleanBase32(written, secret);
            }
          }
        }
      }
    }
  }

  @Test
  void theBase32CharactersBesideARunThatCarryBitsOfTheSecretAndThePaddingGoWithIt() {
    for (String secret : List.of(SECRET, KEY)) {
      for (Base32 base32 : Base32.values()) {
        assertThat(REDACTOR.redact(base32.encode(secret.getBytes(UTF_8)))).isEqualTo(Redactor.MARK);
        assertThat(REDACTOR.redact("<" + base32.encode(secret.getBytes(UTF_8)) + ">"))
            .isEqualTo("<" + Redactor.MARK + ">");
      }
    }
  }

  /** The shortest secret there is, in Base32 at each alignment: each form is long enough. */
  @Test
  void anEightByteSecretInBase32AtEveryAlignment() {
    String secret = "k3Y-8ch!";
    Redactor redactor = Redactor.of(List.of(secret));
    for (String before : List.of("", "a", "ab", "abc", "abcd")) {
      for (Base32 base32 : Base32.values()) {
        String encoded = base32.encode((before + secret + "z").getBytes(UTF_8));
        String redacted = redactor.redact(encoded);
        assertThat(redacted).as(encoded).contains(Redactor.MARK);
        for (int offset = 0; offset < 8 && offset < redacted.length(); offset++) {
          assertNoPiece(new String(base32.decode(redacted.substring(offset)), ISO_8859_1), secret);
        }
      }
    }
  }

  /**
   * Regression: an origin echoing the secret as HTML numeric character references without their
   * closing {@code ;} handed it back whole, though every HTML parser reads them as the characters.
   */
  @Test
  void htmlNumericReferencesWithoutTheirSemicolon() {
    for (String secret : List.of(SECRET, KEY)) {
      assertClean("<b>" + escapeEvery(secret, "&#%d") + "</b>", secret);
      assertClean("<b>" + escapeEvery(secret, "&#x%x") + "</b>", secret);
      assertClean("<b>" + escapeEvery(secret, "&#X%X") + " </b>", secret);
      assertClean(alternate(secret, "&#%d;", "&#%d"), secret);
    }
    assertThat(REDACTOR.redact("&#83&#5x&#")).isEqualTo("&#83&#5x&#");
  }

  /**
   * Regression: an origin echoing the secret as decimal numeric references padded with zeros
   * ({@code &#0000083;}) handed it back whole: the decoder took six digits, zeros included, where
   * HTML parsers skip any number of leading zeros. Both forms, with and without {@code ;}, with as
   * many zeros as an origin likes; the fixed-width escapes ({@code %HH}, <code>&#92;uHHHH</code>,
   * <code>&#92;xHH</code>) carry their zeros in their width.
   */
  @Test
  void htmlNumericReferencesWithAnyNumberOfLeadingZeros() {
    for (String secret : List.of(SECRET, KEY)) {
      for (int width : List.of(4, 6, 7, 12, 40)) {
        assertClean(escapeEvery(secret, "&#%0" + width + "d;"), secret);
        assertClean(escapeEvery(secret, "&#%0" + width + "d"), secret);
        assertClean(escapeEvery(secret, "&#x%0" + width + "x;"), secret);
        assertClean(escapeEvery(secret, "&#X%0" + width + "X"), secret);
      }
      assertClean(escapeEvery(secret, "\\u%04x"), secret);
      assertClean(escapeEvery(secret, "%%%02x"), secret);
    }
    assertThat(REDACTOR.redact("&#0000000065536;&#x00000110000;"))
        .isEqualTo("&#0000000065536;&#x00000110000;");
  }

  /**
   * Linear time, so no text a tool or an origin chooses can stall the redactor: the costliest
   * inputs there are (runs as long as the text in every alphabet, near-misses of the secret every
   * few characters, a NUL between every two characters, an escape at every character) of 1 MiB each
   * pass within the limit; a quadratic scan (about 10^12 steps each) would not finish in hours. The
   * limit leaves room for a machine running other builds: 20 s timed out at a load average of 30.
   */
  @Test
  @Timeout(300)
  void theCostliestTextsAreRedactedInLinearTime() {
    int size = 1 << 20;
    String nearMiss = KEY.substring(0, KEY.length() - 1) + "~";
    List<String> texts =
        List.of(
            "A".repeat(size),
            nearMiss.repeat(size / nearMiss.length()),
            ("A\0").repeat(size / 2),
            "&#65".repeat(size / 4),
            "%41".repeat(size / 3),
            Base32.STANDARD.encode(nearMiss.getBytes(UTF_8)).repeat(size / 160));
    for (String text : texts) {
      assertThat(REDACTOR.redact(text)).isEqualTo(text);
      byte[] bytes = text.getBytes(ISO_8859_1);
      assertThat(REDACTOR.redact(bytes)).isSameAs(bytes);
    }
  }

  @Test
  void whereThePromiseEnds() {
    String halves = KEY.substring(0, 50) + ", " + KEY.substring(50);
    assertThat(REDACTOR.redact(halves)).as("a secret in pieces").isEqualTo(halves);
    String reversed = new StringBuilder(KEY).reverse().toString();
    assertThat(REDACTOR.redact(reversed)).isEqualTo(reversed);
    String base64 = Base64.getEncoder().encodeToString(KEY.getBytes(UTF_8));
    String swapped = swappedCase(base64);
    assertThat(REDACTOR.redact(swapped)).as("Base64 with its case changed").isEqualTo(swapped);
  }

  /**
   * {@code text} redacted as a string and as its bytes alike, with no piece of any of {@code
   * secrets} left in it or in what a thief decodes from it.
   */
  private static void assertClean(String text, String... secrets) {
    String redacted = redactedBothWays(text);
    assertThat(redacted).as(text).contains(Redactor.MARK);
    for (String secret : secrets) {
      assertNoPiece(redacted, secret);
      assertNoPiece(decodedEverywhere(redacted), secret);
    }
  }

  /** What both of the redactor's paths make of {@code text}, checked to be the same. */
  private static String redactedBothWays(String text) {
    String redacted = REDACTOR.redact(text);
    if (ISO_8859_1.newEncoder().canEncode(text)) {
      byte[] bytes = REDACTOR.redact(text.getBytes(ISO_8859_1));
      assertThat(new String(bytes, ISO_8859_1)).as("bytes of " + text).isEqualTo(redacted);
    }
    return redacted;
  }

  /**
   * No Base32 run left in {@code text}, decoded at any offset in either alphabet, holds a piece.
   */
  private static void assertCleanBase32(String encoded, String secret) {
    String redacted = redactedBothWays(encoded);
    assertThat(redacted).as(encoded).contains(Redactor.MARK);
    assertNoPiece(redacted, secret);
    for (String run : redacted.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")) {
      for (Base32 base32 : Base32.values()) {
        for (int offset = 0; offset < 8 && offset < run.length(); offset++) {
          assertNoPiece(new String(base32.decode(run.substring(offset)), ISO_8859_1), secret);
        }
      }
    }
  }

  /** No Base64 run left in {@code text}, decoded at any offset, holds a piece of the secret. */
  private static void assertCleanBase64(String encoded, String secret) {
    String redacted = redactedBothWays(encoded);
    assertThat(redacted).as(encoded).contains(Redactor.MARK);
    String runs =
        decodedEverywhere(redacted).replaceAll("[\\s]", "").replace('-', '+').replace('_', '/');
    for (String run : runs.split("[^A-Za-z0-9+/]+")) {
      for (int offset = 0; offset < 4 && offset < run.length(); offset++) {
        String aligned = run.substring(offset);
        aligned = aligned.substring(0, aligned.length() - aligned.length() % 4);
        String decoded =
            new String(
                Base64.getDecoder().decode(aligned), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertNoPiece(decoded, secret);
      }
    }
  }

  private static void assertNoPiece(String text, String secret) {
    String folded = text.replace("\0", "").toLowerCase(Locale.ROOT);
    for (String piece : pieces(secret.toLowerCase(Locale.ROOT), 8)) {
      assertThat(folded).as("a piece of the secret").doesNotContain(piece);
    }
    assertThat(text)
        .doesNotContain(HexFormat.of().formatHex(secret.substring(0, 8).getBytes(UTF_8)));
  }

  private static List<String> pieces(String secret, int length) {
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i + length <= secret.length(); i++) {
      pieces.add(secret.substring(i, i + length));
    }
    return pieces;
  }

  /** The text with the escapes the redactor reads decoded, as a thief would decode it. */
  private static String decodedEverywhere(String text) {
    StringBuilder decoded = new StringBuilder();
    EscapedText.decoded(text.replace("\0", ""), (c, start, end) -> decoded.append(c));
    return decoded.toString();
  }

  private static List<Base64.Encoder> encoders() {
    return List.of(Base64.getEncoder(), Base64.getUrlEncoder());
  }

  private static String mixedCase(String hex) {
    StringBuilder mixed = new StringBuilder();
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      mixed.append(i % 3 == 0 ? Character.toUpperCase(c) : c);
    }
    return mixed.toString();
  }

  private static String swappedCase(String text) {
    return map(
        text,
        c ->
            String.valueOf(
                Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)));
  }

  /** Every other character escaped by {@code even}, the rest by {@code odd}. */
  private static String alternate(String text, String even, String odd) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      out.append(String.format(i % 2 == 0 ? even : odd, (int) text.charAt(i)));
    }
    return out.toString();
  }

  private static String percentEvery(String text, String format) {
    return escapeEvery(text, format);
  }

  private static String percentEveryOther(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      out.append(i % 2 == 0 ? String.format("%%%02X", (int) text.charAt(i)) : text.charAt(i));
    }
    return out.toString();
  }

  private static String escapeEvery(String text, String format) {
    return map(text, c -> String.format(format, (int) c));
  }

  private static String map(String text, Function<Character, String> each) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(each.apply(c));
    }
    return out.toString();
  }
}
