package com.infrafabric.chassis.internal.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which declared charsets an answer from a credential's origin may come in: those the redactor
 * reads a secret in (each visible ASCII character as that byte, alone or beside NULs), and no
 * other.
 */
class BodyCharsetTest {

  @Test
  void charsetsThatWriteAsciiAsAsciiOrBesideNulsAreReadable() {
    for (String contentType :
        List.of(
            "",
            "application/json",
            "text/plain; charset=utf-8",
            "text/html;charset=\"UTF-8\"",
            "text/plain; charset=us-ascii",
            "text/plain; charset=iso-8859-1",
            "text/plain; charset=windows-1252",
            "text/plain; charset=utf-16",
            "text/plain; charset=UTF-16LE",
            "text/plain; charset=utf-16be",
            "text/plain; Charset=utf-32")) {
      assertThat(BodyCharset.opaque(Map.of("content-type", contentType))).as(contentType).isEmpty();
    }
    assertThat(BodyCharset.opaque(Map.of())).isEmpty();
  }

  /**
   * Regression: an origin could echo a secret in a charset that writes ASCII as other bytes
   * (EBCDIC), which no encoding the redactor reads matches, to a tool under a full policy.
   */
  @Test
  void ebcdicAndUnknownCharsetsAreOpaque() {
    for (String charset : List.of("IBM037", "cp1047", "x-no-such-charset", "utf-8, text/plain")) {
      assertThat(BodyCharset.opaque(Map.of("content-type", "text/plain; charset=" + charset)))
          .as(charset)
          .contains(charset);
    }
  }
}
