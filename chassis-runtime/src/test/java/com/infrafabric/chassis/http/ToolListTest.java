package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/tools}: the registry in name and version order, page by page, filtered. */
@Timeout(120)
class ToolListTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final List<String> REGISTERED =
      List.of("alpha@1.0.0", "alpha@2.0.0", "beta@1.0.0", "gamma@1.0.0", "gamma@1.1.0");

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of());
    byte[] module = Guests.wat(Guests.ECHO);
    for (String ref : REGISTERED) {
      String[] parts = ref.split("@");
      HttpResponse<String> registered =
          rig.register(module, Contracts.forModule(parts[0], module).version(parts[1]));
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static List<String> refs(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return json(page).getJsonArray("tools").stream()
        .map(tool -> ((JsonObject) tool).getString("ref"))
        .toList();
  }

  private static List<String> everyPage(String token, String query) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          rig.http.get(
              "/v1/tools?limit=2" + query + (cursor == null ? "" : "&cursor=" + cursor), token);
      List<String> refs = refs(page);
      assertThat(refs).hasSizeLessThanOrEqualTo(2);
      seen.addAll(refs);
      cursor = json(page).getString("next_cursor");
    } while (cursor != null);
    return seen;
  }

  @Test
  void oneRequestListsEveryVersionInOrderAndSaysItIsTheLastPage() {
    HttpResponse<String> page = rig.http.get("/v1/tools", rig.operator());

    assertThat(refs(page)).containsExactlyElementsOf(REGISTERED);
    assertThat(json(page).containsKey("next_cursor")).isTrue();
    assertThat(json(page).getValue("next_cursor")).isNull();
  }

  @Test
  void pagesFollowTheCursorWithoutGapsOrRepeats() {
    assertThat(everyPage(rig.publisher(), "")).containsExactlyElementsOf(REGISTERED);
  }

  @Test
  void theNameFilterListsOneToolsVersions() {
    assertThat(everyPage(rig.operator(), "&name=gamma"))
        .containsExactly("gamma@1.0.0", "gamma@1.1.0");
    assertThat(refs(rig.http.get("/v1/tools?name=delta", rig.operator()))).isEmpty();
  }

  @Test
  void anAgentPagesOnlyThroughTheToolsItsTokenGrants() {
    String agent = rig.agent("acme", "alpha@2.0.0", "gamma");

    assertThat(everyPage(agent, "")).containsExactly("alpha@2.0.0", "gamma@1.0.0", "gamma@1.1.0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"?limit=0", "?limit=1001", "?limit=x", "?cursor=alpha", "?cursor=a%40b%40c"})
  void aBadLimitOrCursorIsRefusedNamingIt(String query) {
    HttpResponse<String> refused = rig.http.get("/v1/tools" + query, rig.operator());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(json(refused).getJsonObject("details").getString("field"))
        .isEqualTo(query.substring(1, query.indexOf('=')));
  }
}
