package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/** What a role matrix test expects of each answer: through, refused (403), or unauthenticated. */
public final class AccessAssertions {

  private AccessAssertions() {}

  /**
   * An allowed role gets past authentication and authorisation, whatever the business answer (but
   * never a server error); any other gets 403 {@code FORBIDDEN}.
   */
  public static void assertRoleAnswer(String role, boolean allowed, HttpResponse<String> response) {
    if (allowed) {
      // A 403 with another code is the operation's own answer (e.g. an untrusted contract).
      assertThat(response.statusCode())
          .as(role + " " + response.body())
          .isNotEqualTo(401)
          .isLessThan(500);
      assertThat(response.body()).as(role).doesNotContain("\"code\":\"FORBIDDEN\"");
    } else {
      assertThat(response.statusCode()).as(role + " " + response.body()).isEqualTo(403);
      assertThat(new JsonObject(response.body()).getString("code")).isEqualTo("FORBIDDEN");
    }
  }

  /** No token is 401 with {@code WWW-Authenticate: Bearer}. */
  public static void assertUnauthenticated(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }
}
