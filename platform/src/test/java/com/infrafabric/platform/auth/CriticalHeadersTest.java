package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import java.text.ParseException;
import org.junit.jupiter.api.Test;

class CriticalHeadersTest {

  @Test
  void aHeaderWithoutCritPasses() throws ParseException {
    assertThat(CriticalHeaders.refusal(header(""))).isEmpty();
  }

  @Test
  void anEmptyCritIsRefusedAsRfc7515Forbids() throws ParseException {
    assertThat(CriticalHeaders.refusal(header(",\"crit\":[]")))
        .contains("an empty crit header, which RFC 7515 forbids");
  }

  @Test
  void everyCriticalHeaderIsUnsupportedAndNamedInOrder() throws ParseException {
    assertThat(CriticalHeaders.refusal(header(",\"crit\":[\"foo\"],\"foo\":1")))
        .contains("unsupported critical header(s): foo");
    assertThat(CriticalHeaders.refusal(header(",\"crit\":[\"zed\",\"b64\",\"exp\"],\"b64\":true")))
        .contains("unsupported critical header(s): b64, exp, zed");
  }

  @Test
  void aLongListIsQuotedCut() throws ParseException {
    String many = "\"" + "x".repeat(5000) + "\"";
    assertThat(CriticalHeaders.refusal(header(",\"crit\":[" + many + "]")).orElseThrow())
        .hasSize("unsupported critical header(s): ".length() + CriticalHeaders.NAMES_CHARS)
        .endsWith("\u2026");
  }

  private static JWSHeader header(String members) throws ParseException {
    return JWSHeader.parse("{\"alg\":\"ES256\",\"kid\":\"k\"" + members + "}");
  }
}
