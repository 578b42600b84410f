package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/reservations}: a subtree's reservation records, open or finished, paged. */
@Timeout(60)
class ReservationListTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;
  private static String tenant;

  /** Reservation id to the state it was left in. */
  private static final Map<String, String> MADE = new HashMap<>();

  private static final Map<String, String> SCOPE_OF = new HashMap<>();

  /** The agent token of each scope, which holds (and so settles) the reservations made on it. */
  private static final Map<String, String> AGENT_OF = new HashMap<>();

  /**
   * Keys of no tenant, more than one call's bounded {@code SCAN} examines, so that every listing
   * below takes several calls and some pages hold fewer records than their limit.
   */
  private static final int OTHER_KEYS = 25_000;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    for (int batch = 0; batch < OTHER_KEYS / 1000; batch++) {
      Request mset = Request.cmd(Command.MSET);
      for (int i = 0; i < 1000; i++) {
        mset.arg("filler:" + batch + ":" + i).arg("x");
      }
      Await.result(rig.redis.send(mset));
    }
    tenant = GovernorRig.freshTenant("rlist");
    rig.budget(tenant, "lifetime", 1_000_000_000L);
    for (String project : List.of("a", "a/x", "b")) {
      for (int i = 0; i < 3; i++) {
        reserve(tenant + "/" + project, 1_000 + i);
      }
    }
    String other = GovernorRig.freshTenant("rlist-other");
    rig.budget(other, "lifetime", 1_000_000);
    HttpResponse<String> foreign =
        rig.post(
            "/v1/reservations",
            rig.agent(other),
            new JsonObject().put("scope", other).put("amount_micros", 5));
    assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(201);
    List<String> inA = ids(tenant + "/a");
    settle(inA.get(0), "commit", new JsonObject().put("amount_micros", 700), "committed");
    settle(inA.get(1), "release", new JsonObject(), "released");
  }

  private static void reserve(String scope, long amount) {
    HttpResponse<String> reserved =
        rig.post(
            "/v1/reservations",
            AGENT_OF.computeIfAbsent(scope, rig::agent),
            new JsonObject().put("scope", scope).put("amount_micros", amount));
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    String id = json(reserved).getString("reservation_id");
    MADE.put(id, "active");
    SCOPE_OF.put(id, scope);
  }

  private static List<String> ids(String scope) {
    return MADE.keySet().stream().filter(id -> SCOPE_OF.get(id).equals(scope)).sorted().toList();
  }

  private static void settle(String id, String how, JsonObject body, String state) {
    HttpResponse<String> settled =
        rig.post("/v1/reservations/" + id + "/" + how, AGENT_OF.get(SCOPE_OF.get(id)), body);
    assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
    MADE.put(id, state);
  }

  /** Every record of every page of {@code query}, by reservation id. */
  private static Map<String, JsonObject> everyPage(String token, String query, int limit) {
    List<JsonObject> seen = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          rig.http.get(
              "/v1/reservations?limit="
                  + limit
                  + query
                  + (cursor == null ? "" : "&cursor=" + cursor),
              token);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      List<JsonObject> records =
          json(page).getJsonArray("reservations").stream().map(r -> (JsonObject) r).toList();
      assertThat(records).hasSizeLessThanOrEqualTo(limit);
      seen.addAll(records);
      cursor = json(page).getString("next_cursor");
    } while (cursor != null);
    return seen.stream()
        .collect(Collectors.toMap(r -> r.getString("reservation_id"), Function.identity()));
  }

  private static Map<String, String> states(Map<String, JsonObject> records) {
    return records.values().stream()
        .collect(Collectors.toMap(r -> r.getString("reservation_id"), r -> r.getString("state")));
  }

  @Test
  void listsEveryReservationOfTheTenantWithItsStateOnce() {
    Map<String, JsonObject> records = everyPage(rig.auditor(tenant), "", 100);

    assertThat(states(records)).isEqualTo(MADE);
  }

  @Test
  void aCallExaminesABoundedPartOfTheKeyspaceAndSaysWhereToGoOn() {
    HttpResponse<String> first = rig.http.get("/v1/reservations", rig.auditor(tenant));

    assertThat(json(first).getString("next_cursor"))
        .as("%d keys are more than one call examines", OTHER_KEYS)
        .isNotNull();
  }

  @Test
  void pagesOfOneStillListEachReservationExactlyOnce() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          rig.http.get(
              "/v1/reservations?limit=1" + (cursor == null ? "" : "&cursor=" + cursor),
              rig.admin(tenant));
      json(page).getJsonArray("reservations").stream()
          .map(r -> ((JsonObject) r).getString("reservation_id"))
          .forEach(seen::add);
      cursor = json(page).getString("next_cursor");
    } while (cursor != null);

    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(MADE.keySet());
  }

  @Test
  void aRecordShowsWhatWasHeldAndHowItEnded() {
    String committed = ids(tenant + "/a").get(0);
    JsonObject record = everyPage(rig.auditor(tenant), "", 100).get(committed);

    assertThat(record.getString("scope")).isEqualTo(tenant + "/a");
    assertThat(record.getLong("amount_micros")).isBetween(1_000L, 1_002L);
    assertThat(record.getLong("actual_micros")).isEqualTo(700);
    assertThat(record.getString("ended_at")).isNotNull();
    assertThat(record.getString("created_at")).isNotNull();
  }

  @Test
  void theScopeAndStateFiltersNarrowTheListing() {
    String a = "&scope=" + encode(tenant + "/a");
    assertThat(everyPage(rig.admin(tenant), a, 2).keySet())
        .containsExactlyInAnyOrderElementsOf(
            MADE.keySet().stream()
                .filter(id -> SCOPE_OF.get(id).startsWith(tenant + "/a"))
                .toList());
    assertThat(states(everyPage(rig.admin(tenant), a + "&state=finished", 2)).values())
        .containsExactlyInAnyOrder("committed", "released");
    assertThat(states(everyPage(rig.admin(tenant + "/b"), "&state=open", 2)).values())
        .hasSize(3)
        .containsOnly("active");
  }

  @Test
  void aTokenSeesOnlyItsSubtree() {
    assertThat(everyPage(rig.auditor(tenant + "/a/x"), "", 10).keySet())
        .containsExactlyInAnyOrderElementsOf(ids(tenant + "/a/x"));
    HttpResponse<String> outside =
        rig.http.get("/v1/reservations?scope=" + encode(tenant + "/b"), rig.admin(tenant + "/a"));
    assertThat(outside.statusCode()).isEqualTo(403);
    assertThat(
            rig.http
                .get("/v1/reservations", rig.admin(GovernorRig.freshTenant("rlist-x")))
                .statusCode())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "?limit=0",
        "?limit=1001",
        "?limit=x",
        "?state=closed",
        "?cursor=x",
        "?cursor=12.r00",
        "?cursor=%2012"
      })
  void aBadParameterIsRefusedNamingIt(String query) {
    HttpResponse<String> refused = rig.http.get("/v1/reservations" + query, rig.admin(tenant));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(json(refused).getJsonObject("details").getString("field"))
        .isEqualTo(query.substring(1, query.indexOf('=')));
  }
}
