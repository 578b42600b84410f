package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/budgets}: a subtree's budgets, in scope order, page by page, and nothing else. */
@Timeout(60)
class BudgetListTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;
  private static String tenant;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    tenant = GovernorRig.freshTenant("list");
    rig.budget(tenant, "day", 5_000_000L);
    rig.budget(tenant + "/a", "lifetime", 9_000L, 50, 80);
    rig.budget(tenant + "/a/x", "month", 2_000L);
    rig.budget(tenant + "/ab", "day", 3_000L);
    rig.budget(tenant + "/b", "day", 4_000L);
    rig.budget(GovernorRig.freshTenant("list-other"), "day", 7_000L);
  }

  private static HttpResponse<String> list(String token, String query) {
    return rig.http.get("/v1/budgets" + query, token);
  }

  private static List<String> scopes(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return json(page).getJsonArray("budgets").stream()
        .map(b -> ((JsonObject) b).getString("scope"))
        .toList();
  }

  @Test
  void aTenantAdminListsItsWholeTenantInScopeOrderAndNoOtherTenant() {
    HttpResponse<String> page = list(rig.admin(tenant), "");

    assertThat(scopes(page))
        .containsExactly(tenant, tenant + "/a", tenant + "/a/x", tenant + "/ab", tenant + "/b");
    JsonObject a = json(page).getJsonArray("budgets").getJsonObject(1);
    assertThat(a.getJsonObject("limits").getJsonObject("lifetime").getJsonArray("thresholds_pct"))
        .containsExactly(50, 80);
    assertThat(a.getJsonObject("limits").getJsonObject("lifetime").getLong("cap_micros"))
        .isEqualTo(9_000L);
    assertThat(json(page).getValue("next_cursor")).isNull();
  }

  @Test
  void pagesFollowTheCursorAndAddUpToTheWholeList() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String query = "?limit=2" + (cursor == null ? "" : "&cursor=" + encode(cursor));
      HttpResponse<String> page = list(rig.auditor(tenant), query);
      List<String> scopes = scopes(page);
      assertThat(scopes).hasSizeLessThanOrEqualTo(2);
      seen.addAll(scopes);
      cursor = json(page).getString("next_cursor");
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen)
        .containsExactly(tenant, tenant + "/a", tenant + "/a/x", tenant + "/ab", tenant + "/b");
  }

  @Test
  void theScopeFilterIsASubtreeNotAStringPrefix() {
    assertThat(scopes(list(rig.admin(tenant), "?scope=" + encode(tenant + "/a"))))
        .containsExactly(tenant + "/a", tenant + "/a/x");
  }

  @Test
  void aTokenConfinedToAProjectSeesOnlyItsProject() {
    String agent = rig.agent(tenant + "/a");

    assertThat(scopes(list(agent, ""))).containsExactly(tenant + "/a", tenant + "/a/x");
    assertThat(list(agent, "?scope=" + tenant).statusCode()).isEqualTo(403);
    assertThat(list(agent, "?scope=" + encode(tenant + "/b")).statusCode()).isEqualTo(403);
    assertThat(list(rig.admin(), "").statusCode()).as("a platform token").isEqualTo(403);
  }

  @ParameterizedTest
  @ValueSource(strings = {"?limit=0", "?limit=1001", "?limit=ten", "?limit=-1", "?limit=1.5"})
  void aBadLimitIsRefusedNamingIt(String query) {
    HttpResponse<String> refused = list(rig.admin(tenant), query);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(json(refused).getJsonObject("details").getString("field")).isEqualTo("limit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..%2Fx", "a%2F%2Fb", "other-tenant", "%2A"})
  void aCursorThatIsNoNextCursorIsRefusedNamingIt(String cursor) {
    HttpResponse<String> refused = list(rig.admin(tenant), "?cursor=" + cursor);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(json(refused).getJsonObject("details").getString("field")).isEqualTo("cursor");
  }

  @Test
  void aMalformedScopeIsRefusedAsAScope() {
    HttpResponse<String> refused = list(rig.admin(tenant), "?scope=a%2F%2Fb");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_SCOPE");
  }
}
