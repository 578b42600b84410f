package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a call its provider failed was released with a ledger entry naming no provider
 * ({@code prov} empty, though {@code out} said {@code upstream_error}), so {@code /v1/spend?
 * group_by=key,provider} could not tell which provider failed it. Every release now names the
 * provider the call went to last: the one that failed it, the alias's last one tried.
 */
@Timeout(60)
class GatewayReleaseAttributionTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  private static HttpResponse<String> call(String scope, String model) {
    JsonArray hi = new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"));
    return RIG.post(
        GatewayRoutes.OPENAI + "/chat/completions",
        RIG.agent(scope),
        new JsonObject().put("model", model).put("max_tokens", 10).put("messages", hi),
        Map.of());
  }

  /** The fields of {@code scope}'s last ledger entry, once its call is released. */
  private static JsonObject released(String scope) {
    RIG.awaitSettled(scope, 0);
    List<JsonObject> entries = RIG.ledger(scope);
    return entries.get(entries.size() - 1).getJsonObject("fields");
  }

  @Test
  void aCallItsProviderFailedIsReleasedNamingThatProvider() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(500, null));

    assertThat(call(scope, "gpt-test").statusCode()).isEqualTo(503);

    JsonObject fields = released(scope);
    assertThat(fields.getString("out")).isEqualTo("upstream_error");
    assertThat(fields.getString("prov")).isEqualTo("primary");
    assertThat(fields.getValue("lat_ms")).isNotNull();
  }

  @Test
  void anAliasWhoseEveryProviderFailedIsReleasedNamingTheLastOneTried() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(502, null));
    RIG.backup.then(new Behaviour.Status(503, null));

    assertThat(call(scope, "smart").statusCode()).isEqualTo(503);

    JsonObject fields = released(scope);
    assertThat(fields.getString("out")).isEqualTo("upstream_error");
    assertThat(fields.getString("prov")).isEqualTo("backup");
  }

  @Test
  void aCallTheProviderRefusedIsReleasedNamingIt() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(400, null));

    assertThat(call(scope, "gpt-test").statusCode()).isEqualTo(400);

    JsonObject fields = released(scope);
    assertThat(fields.getString("out")).isEqualTo("upstream_refused");
    assertThat(fields.getString("prov")).isEqualTo("primary");
  }
}
