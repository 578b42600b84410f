package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a model the gateway was configured to serve but the pricing catalogue did not price
 * passed the key checks: {@code POST /v1/keys} naming it answered 201, then every call with the key
 * was refused 422 {@code MODEL_UNKNOWN}, and {@code GET /models} left it out. A key may now name
 * only what the gateway can call now, served and priced, an alias only when every model it may fall
 * back to is priced; anything else is refused with 400 naming it when the key is made.
 */
@Timeout(60)
class GatewayUnpricedModelKeyTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void aKeyNamingAServedModelOrAliasTheCatalogueDoesNotPriceIsRefusedWhenMade() {
    Await.result(
        RIG.governor
            .service
            .pricing()
            .replace(
                List.of(GovernorRig.GPT_TEST, GatewayFixture.CLAUDE_TEST, GatewayFixture.EMB_TEST),
                -1));
    String tenant = GovernorRig.freshTenant("unpriced");
    String admin = RIG.governor.admin(tenant);

    for (String unpriced : List.of("mini-test", "smart")) {
      HttpResponse<String> refused = RIG.governor.post("/v1/keys", admin, key(tenant, unpriced));

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      JsonObject error = new JsonObject(refused.body());
      assertThat(error.getJsonObject("details").getString("field")).isEqualTo("allowed_models[0]");
      assertThat(error.getString("message")).contains("names " + unpriced);
    }
    HttpResponse<String> priced = RIG.governor.post("/v1/keys", admin, key(tenant, "gpt-test"));
    assertThat(priced.statusCode()).as(priced.body()).isEqualTo(201);
  }

  private static JsonObject key(String tenant, String model) {
    return new JsonObject()
        .put("scope", tenant + "/agents")
        .put("allowed_models", new JsonArray().add(model))
        .put("requests_per_minute", 60)
        .put("tokens_per_minute", 100_000);
  }
}
