package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.errors.AnthropicServiceException;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.openai.errors.OpenAIServiceException;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a provider's refusal was relayed as {@code application/json} whatever it was: an HTML
 * page its proxy answered ({@code 413 text/html <html>too large</html>}) reached the client
 * labelled JSON, which no SDK can read. A refusal that is one JSON object is still relayed as the
 * provider wrote it; any other is wrapped in the client's dialect's error, with the provider's
 * status and the start of what it wrote.
 */
@Timeout(60)
class GatewayProviderRefusalRelayTest {

  private static final String HTML = "<html>too large</html>";

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @ParameterizedTest
  @ValueSource(strings = {"openai", "anthropic"})
  void aRefusalThatIsNotJsonIsWrappedInTheCallersDialectWithItsStatus(String wire) {
    RIG.primary.then(new Behaviour.Refuses(413, "text/html", HTML));

    HttpResponse<String> refused = RIG.sayHi(wire, false, 10, RIG.fundedScope(1_000_000));

    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(refused.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(refused.headers().firstValue("x-error-code")).hasValue("UPSTREAM_REFUSED");
    assertThat(refused.headers().firstValue("x-should-retry")).hasValue("false");
    JsonObject body = new JsonObject(refused.body());
    JsonObject error = body.getJsonObject("error");
    assertThat(error.getString("message"))
        .contains("refused the request (413) with a body that is not JSON")
        .contains(HTML);
    if (wire.equals("anthropic")) {
      assertThat(body.getString("type")).isEqualTo("error");
      assertThat(error.getString("type")).isEqualTo("request_too_large");
    } else {
      assertThat(error.getString("code")).isEqualTo("upstream_refused");
    }
  }

  @Test
  void theSdksReadAWrappedRefusalAsTheirErrorWithItsStatus() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Refuses(413, "text/html", HTML));
    OpenAIServiceException openAi =
        catchThrowableOfType(
            OpenAIServiceException.class,
            () ->
                RIG.openAi(RIG.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")));
    RIG.primary.then(new Behaviour.Refuses(413, "text/plain", "too large"));
    AnthropicServiceException anthropic =
        catchThrowableOfType(
            AnthropicServiceException.class,
            () ->
                RIG.anthropic(RIG.agent(scope))
                    .messages()
                    .create(GatewayRig.message("claude-test")));

    assertThat(openAi.statusCode()).isEqualTo(413);
    assertThat(openAi.getMessage()).contains("with a body that is not JSON");
    assertThat(anthropic.statusCode()).isEqualTo(413);
    assertThat(anthropic.getMessage()).contains("with a body that is not JSON");
  }

  @Test
  void aRefusalThatIsJsonIsRelayedAsTheProviderWroteIt() {
    String written = "{\"error\":{\"message\":\"bad field\",\"type\":\"invalid_request_error\"}}";
    RIG.primary.then(new Behaviour.Refuses(400, "application/json", written));

    HttpResponse<String> refused = RIG.sayHi("openai", false, 10, RIG.fundedScope(1_000_000));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo(written);
    assertThat(refused.headers().firstValue("x-error-code")).hasValue("UPSTREAM_REFUSED");
  }
}
