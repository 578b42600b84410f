package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/agents/{tenant}}: a tenant's agents in id order, page by page. */
@Timeout(60)
class AgentListTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;
  private static String tenant;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    tenant = GovernorRig.freshTenant("agents");
    for (String id : List.of("carol", "alice", "dave", "bob", "gone")) {
      register(tenant, id);
    }
    register(GovernorRig.freshTenant("agents-other"), "mallory");
    HttpResponse<String> removed =
        rig.call("DELETE", "/v1/agents/" + tenant + "/gone", rig.admin(tenant), null);
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
  }

  private static void register(String tenant, String id) {
    String contract =
        rig.tokens.mint(
            ClaimRig.contract(tenant, id, Map.of("python", 1), 1, 1)
                .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
    HttpResponse<String> registered =
        rig.call(
            "POST", "/v1/agents", rig.admin(tenant), new JsonObject().put("contract", contract));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
  }

  private static HttpResponse<String> list(String token, String query) {
    return rig.http.get("/v1/agents/" + tenant + query, token);
  }

  private static List<String> ids(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return json(page).getJsonArray("agents").stream()
        .map(a -> ((JsonObject) a).getString("agent_id"))
        .toList();
  }

  @Test
  void listsTheTenantsRegisteredAgentsInIdOrderWithoutRemovedOnes() {
    HttpResponse<String> page = list(rig.auditor(tenant), "");

    assertThat(ids(page)).containsExactly("alice", "bob", "carol", "dave");
    assertThat(json(page).getValue("next_cursor")).isNull();
  }

  @Test
  void pagesFollowTheCursor() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          list(rig.admin(tenant), "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(ids(page));
      cursor = json(page).getString("next_cursor");
    } while (cursor != null);

    assertThat(seen).containsExactly("alice", "bob", "carol", "dave");
  }

  @Test
  void aTokenConfinedToAProjectOrAnotherTenantIsRefused() {
    assertThat(list(rig.admin(tenant + "/p"), "").statusCode()).isEqualTo(403);
    assertThat(list(rig.admin(GovernorRig.freshTenant("x")), "").statusCode()).isEqualTo(403);
    assertThat(list(rig.agent(tenant), "").statusCode()).isEqualTo(403);
  }

  @ParameterizedTest
  @ValueSource(strings = {"?limit=0", "?limit=1001", "?limit=x", "?cursor=a%2Fb", "?cursor=%20"})
  void aBadLimitOrCursorIsRefusedNamingIt(String query) {
    HttpResponse<String> refused = list(rig.admin(tenant), query);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(json(refused).getJsonObject("details").getString("field"))
        .isEqualTo(query.substring(1, query.indexOf('=')));
  }
}
