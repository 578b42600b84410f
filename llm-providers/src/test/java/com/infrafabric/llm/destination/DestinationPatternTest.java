package com.infrafabric.llm.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationPatternTest {

  @ParameterizedTest
  @CsvSource({
    "https://api.example.com:443, https://api.example.com/x, true",
    "https://api.example.com:443, https://api.example.com:443/x, true",
    "https://api.example.com:443, http://api.example.com:443/x, false",
    "https://api.example.com:443, https://api.example.com:8443/x, false",
    "https://api.example.com:443, https://api.example.com.evil.com/x, false",
    "https://api.example.com:443, https://evilapi.example.com/x, false",
    "https://*.example.com:443, https://a.example.com/, true",
    "https://*.example.com:443, https://a.b.example.com/, true",
    "https://*.example.com:443, https://example.com/, false",
    "https://*.example.com:443, https://evilexample.com/, false",
    "https://*.example.com:443, https://example.com.evil.com/, false",
    "https://*.example.com:443, https://a.example.co/, false",
    "http://127.0.0.1:8080, http://[::ffff:127.0.0.1]:8080/, true"
  })
  void matchesOnLabelBoundariesSchemeAndPort(String pattern, String url, boolean expected) {
    assertThat(DestinationPattern.parse(pattern).matches(Destination.parse(url)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://api.example.com|\"https://api.example.com\" is not of the form scheme://host:port"
            + " (scheme http or https)",
        "ftp://api.example.com:21|\"ftp://api.example.com:21\" is not of the form"
            + " scheme://host:port (scheme http or https)",
        "https://*example.com:443|\"https://*example.com:443\" is not of the form"
            + " scheme://host:port (scheme http or https)",
        "https://api.example.com:70000|\"https://api.example.com:70000\" has port 70000 outside"
            + " 1..65535",
        "https://*.10.0.0.1:443|\"https://*.10.0.0.1:443\" puts a wildcard before an address",
        "https://*.com:443|\"https://*.com:443\" puts a wildcard before a top-level domain; name"
            + " two labels at least",
        "https://api.example.com:0443|\"https://api.example.com:0443\" is not of the form"
            + " scheme://host:port (scheme http or https)",
        "https://api.example.com:0|\"https://api.example.com:0\" is not of the form"
            + " scheme://host:port (scheme http or https)"
      })
  void refusesMalformedPatterns(String pattern, String message) {
    assertThatThrownBy(() -> DestinationPattern.parse(pattern)).hasMessage(message);
  }
}
