package com.infrafabric.chassis.internal.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  private static final String SECRET = "sk-live/canary+4f2a\"9b";
  private static final Redactor REDACTOR = Redactor.of(List.of(SECRET, "Bearer " + SECRET));

  @Test
  void theSecretAndTheHeaderValueAreRedacted() {
    assertThat(REDACTOR.redact("authorization: Bearer " + SECRET + "!"))
        .isEqualTo("authorization: " + Redactor.MARK + "!");
    assertThat(REDACTOR.redact("x" + SECRET + SECRET))
        .isEqualTo("x" + Redactor.MARK + Redactor.MARK);
  }

  @Test
  void echoedEncodingsAreRedacted() {
    String json = new JsonObject().put("authorization", "Bearer " + SECRET).encode();
    assertThat(REDACTOR.redact(json)).doesNotContain("canary");
    assertThat(REDACTOR.redact("q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)))
        .doesNotContain("canary");
    assertThat(REDACTOR.redact(HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(Redactor.MARK);
  }

  @Test
  void base64AtEveryAlignmentIsRedacted() {
    for (String prefix : List.of("", "a", "ab", "abc", "Basic user:")) {
      for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        String encoded =
            encoder.encodeToString((prefix + SECRET + "tail").getBytes(StandardCharsets.UTF_8));
        String redacted = REDACTOR.redact(encoded);
        assertThat(redacted).as("prefix %s", prefix).contains(Redactor.MARK);
        assertThat(decodesToSecret(redacted)).as("prefix %s", prefix).isFalse();
      }
    }
  }

  @Test
  void textWithoutTheSecretIsUnchanged() {
    assertThat(REDACTOR.redact("{\"ok\":true}")).isEqualTo("{\"ok\":true}");
    assertThat(Redactor.none().redact(SECRET)).isEqualTo(SECRET);
  }

  private static boolean decodesToSecret(String text) {
    String cleaned = text.replace(Redactor.MARK, "");
    for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
      try {
        if (new String(decoder.decode(cleaned), StandardCharsets.UTF_8).contains(SECRET)) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // a redacted encoding no longer decodes at all, which is the point
      }
    }
    return false;
  }
}
