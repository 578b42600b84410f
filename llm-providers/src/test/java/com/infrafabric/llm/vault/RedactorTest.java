package com.infrafabric.llm.vault;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
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
 * longer than 57 bytes (where MIME Base64 wraps and real API keys live): the whole secret, raw,
 * hex, Base64 at every alignment in both alphabets, line-wrapped, and with its characters escaped
 * in every way listed, alone and mixed. And where the promise ends: no piece, so that redaction
 * tells no one which guess of a piece was right.
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
        // right is told, which no piece leads to.
        for (String written :
            List.of(
                guess,
                HexFormat.of().formatHex(guess.getBytes(UTF_8)),
                length < KEY.length() - 5
                    ? Base64.getEncoder().encodeToString(guess.getBytes(UTF_8))
                    : guess,
                "{\"k\":\"" + escapeEvery(guess, "\\u%04x") + "\"}")) {
          assertThat(REDACTOR.redact(written)).as(written).isEqualTo(written);
        }
      }
    }
    assertThat(REDACTOR.redact(KEY)).isEqualTo(Redactor.MARK);
  }

  @Test
  void whereThePromiseEnds() {
    String halves = KEY.substring(0, 50) + ", " + KEY.substring(50);
    assertThat(REDACTOR.redact(halves)).as("a secret in pieces").isEqualTo(halves);
    String reversed = new StringBuilder(KEY).reverse().toString();
    assertThat(REDACTOR.redact(reversed)).isEqualTo(reversed);
    String upper = KEY.toUpperCase(Locale.ROOT);
    assertThat(REDACTOR.redact(upper)).isEqualTo(upper);
  }

  private static void assertClean(String text, String secret) {
    String redacted = REDACTOR.redact(text);
    assertThat(redacted).as(text).contains(Redactor.MARK);
    assertNoPiece(redacted, secret);
    assertNoPiece(decodedEverywhere(redacted), secret);
  }

  /** No Base64 run left in {@code text}, decoded at any offset, holds a piece of the secret. */
  private static void assertCleanBase64(String encoded, String secret) {
    String redacted = REDACTOR.redact(encoded);
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
    for (String piece : pieces(secret, 8)) {
      assertThat(text).as("a piece of the secret").doesNotContain(piece);
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
    EscapedText.decoded(text, (c, start, end) -> decoded.append(c));
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
