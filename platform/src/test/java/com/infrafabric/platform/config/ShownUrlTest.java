package com.infrafabric.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A configured URL is shown by its origin: nothing past the host, where secrets live. */
class ShownUrlTest {

  @Test
  void anOriginIsShownAsItIs() {
    assertThat(ShownUrl.of("https://api.example.com")).isEqualTo("https://api.example.com");
    assertThat(ShownUrl.of("http://127.0.0.1:8089")).isEqualTo("http://127.0.0.1:8089");
  }

  @Test
  void userInfoPathQueryAndFragmentAreNeverShown() {
    assertThat(ShownUrl.of("https://u:PASS@api.example.com:8443/v1/SECRETPATH?key=QK#FRAG"))
        .isEqualTo("https://api.example.com:8443/…");
    assertThat(ShownUrl.of("https://u:PASS@api.example.com"))
        .isEqualTo("https://api.example.com/…");
  }

  @Test
  void aValueThatIsNotAUrlIsShownByWhyNotByItsText() {
    assertThat(ShownUrl.of("https://h.example.com/a b?SECRET"))
        .startsWith("a value that is not a URL (")
        .doesNotContain("SECRET");
    assertThat(ShownUrl.of("SECRET-no-scheme")).doesNotContain("SECRET");
  }
}
