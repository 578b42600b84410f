package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/** Checks that a response is the one error shape, with its stable code and nothing internal. */
public final class ErrorAssertions {

  private ErrorAssertions() {}

  /**
   * Fails unless {@code response} has {@code status} and an error body with {@code code}, a message
   * containing {@code message}, a request id, and no exception name or stack frame.
   *
   * @return the error body, for further checks on its details
   */
  public static JsonObject assertError(
      HttpResponse<String> response, int status, String code, String message) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).contains(message);
    assertThat(error.getJsonObject("details").getString("requestId")).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at com.");
    return error;
  }
}
