package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;

/** Canary secrets must appear nowhere a client or an operator can read them. */
public final class SecretAssertions {

  private SecretAssertions() {}

  /**
   * Fails if any secret appears in a response body or header or in the captured log; for a token
   * its signature alone counts too, since a log that drops the header and claims still leaks it.
   */
  public static void assertNotLeaked(
      List<HttpResponse<String>> responses, LogCapture logs, String... secrets) {
    String everything =
        responses.stream().map(r -> r.body() + r.headers().map()).collect(Collectors.joining("\n"))
            + "\n"
            + logs.text();
    for (String secret : secrets) {
      assertThat(everything).doesNotContain(secret);
      if (secret.chars().filter(c -> c == '.').count() == 2) {
        assertThat(everything).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
      }
    }
  }
}
