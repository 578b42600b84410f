package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routes whose action takes no parameters (release, key rotation, breaker reset, every DELETE) take
 * no body or {@code {}}: anything else is refused and changes nothing, so a client asking for a
 * partial release hears that there is none instead of getting a full one with a 200.
 */
@Timeout(60)
class NoBodyRoutesTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static final List<String> NOT_EMPTY =
      List.of("nul", "{\"amount_micros\":5}", "[1,2]", "{\"x\":1}", "\"\"", "{}{}");

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @Test
  void aReleaseWithABodyOtherThanNoneOrEmptyIsRefusedAndReleasesNothing() {
    String t = GovernorRig.freshTenant("release-body");
    rig.budget(t, "lifetime", 1_000);
    String agent = rig.agent(t);
    String release = "/v1/reservations/" + reserve(agent, t, 10) + "/release";
    for (String body : NOT_EMPTY) {
      HttpResponse<String> refused = send(agent, release, body);
      assertThat(refused.statusCode()).as(body + " " + refused.body()).isEqualTo(400);
    }
    assertThat(json(rig.call("GET", "/v1/budgets/" + t + "/status", agent, null)).encode())
        .as("still reserved")
        .contains("\"reserved_micros\":10");

    HttpResponse<String> empty = send(agent, release, "{}");
    assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
    assertThat(json(empty).getLong("released_micros")).isEqualTo(10);
    String second = "/v1/reservations/" + reserve(agent, t, 7) + "/release";
    HttpResponse<String> none = rig.http.send("POST", second, agent, key());
    assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
  }

  @Test
  void aKeyRotationOrBreakerResetWithABodyIsRefused() {
    String t = GovernorRig.freshTenant("rotate-body");
    String admin = rig.admin(t);
    for (String body : NOT_EMPTY) {
      HttpResponse<String> rotate = send(admin, "/v1/keys/" + t + "/k0000000000/rotate", body);
      assertThat(rotate.statusCode()).as(body + " " + rotate.body()).isEqualTo(400);
      HttpResponse<String> reset = send(admin, "/v1/agents/" + t + "/a1/breaker-reset", body);
      assertThat(reset.statusCode()).as(body + " " + reset.body()).isEqualTo(400);
    }
  }

  /** A DELETE names what it removes in its path: a body is refused, and nothing is removed. */
  @Test
  void aDeleteWithABodyIsRefusedAndRemovesNothing() {
    String t = GovernorRig.freshTenant("delete-body");
    rig.budget(t, "lifetime", 1_000);
    String admin = rig.admin(t);
    for (String body : NOT_EMPTY) {
      HttpResponse<String> refused =
          rig.http.send("DELETE", "/v1/budgets/" + t, admin, key(), body);
      assertThat(refused.statusCode()).as(body + " " + refused.body()).isEqualTo(400);
    }
    assertThat(rig.call("GET", "/v1/budgets/" + t, admin, null).statusCode()).isEqualTo(200);
    assertThat(rig.http.send("DELETE", "/v1/budgets/" + t, admin, key(), "{}").statusCode())
        .isEqualTo(204);
  }

  private static String reserve(String agent, String scope, long micros) {
    HttpResponse<String> reserved =
        rig.post(
            "/v1/reservations",
            agent,
            new JsonObject().put("scope", scope).put("amount_micros", micros));
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    return json(reserved).getString("reservation_id");
  }

  private static HttpResponse<String> send(String token, String path, String body) {
    return rig.http.send("POST", path, token, key(), body);
  }

  private static Map<String, String> key() {
    return Map.of("Idempotency-Key", UUID.randomUUID().toString());
  }
}
