package com.infrafabric.llm.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationTest {

  @Test
  void parsesAnOrdinaryUrlWithTheSchemeDefaultPort() {
    Destination destination = Destination.parse("HTTPS://Api.Example.com/v1/items?q=a%20b");
    assertThat(destination.scheme()).isEqualTo("https");
    assertThat(destination.host()).isEqualTo("api.example.com");
    assertThat(destination.port()).isEqualTo(443);
    assertThat(destination.pathAndQuery()).isEqualTo("/v1/items?q=a%20b");
    assertThat(destination.literal()).isEmpty();
    assertThat(destination.origin()).isEqualTo("https://api.example.com:443");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://127.0.0.01/",
        "http://0251.0376.0251.0376/",
        "http://169.254.43518/"
      })
  void refusesIpv4InNonCanonicalNotation(String url) {
    assertThatThrownBy(() -> Destination.parse(url))
        .hasMessageEndingWith("is an IPv4 address in a non-canonical notation");
  }

  @Test
  void readsIpLiteralsAsAddresses() {
    assertThat(Destination.parse("http://169.254.169.254/latest").literal().orElseThrow())
        .hasToString("/169.254.169.254");
    Destination mapped = Destination.parse("http://[::ffff:127.0.0.1]:8080/");
    assertThat(mapped.host()).isEqualTo("127.0.0.1");
    assertThat(mapped.literal().orElseThrow().isLoopbackAddress()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://user:pw@api.example.com/|url must not carry user info",
        "http://api.example.com:443@evil.com/|url must not carry user info",
        "http://api.example.com./|url host must not end with a dot",
        "http://[fe80::1%25eth0]/|url host must not carry an IPv6 zone id",
        "api.example.com/x|url is not a valid absolute URL",
        "http://exa_mple.com/|url host is not a valid host name or address",
        "http://evil.com\\@api.example.com/|url is not a valid absolute URL"
      })
  void refusesAmbiguousUrls(String url, String message) {
    assertThatThrownBy(() -> Destination.parse(url)).hasMessage(message);
  }
}
