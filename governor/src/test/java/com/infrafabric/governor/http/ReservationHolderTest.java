package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a reservation could be settled by anyone whose token covered its scope, not only by
 * the one who held it. Another agent of the subtree released a hold, or committed it at zero, while
 * its holder's call was under way; the holder's own commit was then refused as "already released",
 * so a call that was answered was never charged, and the subtree escaped the caps above it. Now
 * only the holder commits or releases its reservation: anyone else is answered 409 {@code
 * RESERVATION_HELD_BY_ANOTHER} and changes nothing.
 */
@Timeout(60)
class ReservationHolderTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static final JsonObject ZERO = new JsonObject().put("amount_micros", 0);

  private static GovernorServiceRig rig;

  /** A fresh tenant of each test, with budgets on it and on its {@link #team}. */
  private String tenant;

  private String team;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @BeforeEach
  void freshTenant() {
    tenant = GovernorRig.freshTenant("holder");
    team = tenant + "/team";
    rig.budget(tenant, "lifetime", 1_000_000);
    rig.budget(team, "lifetime", 100_000);
  }

  @Test
  void anotherAgentOfTheSubtreeCannotSettleAnAgentsReservation() {
    String holder = rig.agent(team);
    String rid = reserve(holder, team, 500);
    String record = record(rid);

    for (String other : List.of(rig.agent(team), rig.agent(tenant))) {
      assertHeldByAnother(rig.post(commitPath(rid), other, ZERO));
      assertHeldByAnother(rig.post(releasePath(rid), other, null));
    }

    assertThat(record(rid)).isEqualTo(record);
    assertThat(rig.spentAndReserved(team)).containsExactly(0, 500);
    assertThat(rig.operations(team)).hasSize(1);
    HttpResponse<String> committed =
        rig.post(commitPath(rid), holder, new JsonObject().put("amount_micros", 300));
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    assertThat(rig.spentAndReserved(team)).containsExactly(300, 0);
  }

  @Test
  void theHolderReleasesItsOwnReservation() {
    String holder = rig.agent(team);
    String rid = reserve(holder, team, 700);

    HttpResponse<String> released = rig.post(releasePath(rid), holder, null);

    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    assertThat(json(released).getLong("released_micros")).isEqualTo(700);
    // An agent's own commit after its release is refused as before: only a service's commit is
    // charged on a hold already ended (the gateway's, the chassis's, each settling a call once).
    HttpResponse<String> committed =
        rig.post(commitPath(rid), holder, new JsonObject().put("amount_micros", 10));
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(409);
    assertThat(json(committed).getString("code")).isEqualTo("RESERVATION_NOT_ACTIVE");
  }

  /** A tenant's admin has no settling power: a hold ends by its holder or by its expiry. */
  @Test
  void aTenantAdminCannotSettleAnAgentsReservation() {
    String rid = reserve(rig.agent(team), team, 400);
    String record = record(rid);

    assertThat(rig.post(releasePath(rid), rig.admin(tenant), null).statusCode()).isEqualTo(403);
    assertThat(rig.post(commitPath(rid), rig.admin(tenant), ZERO).statusCode()).isEqualTo(403);

    assertThat(record(rid)).isEqualTo(record);
  }

  /**
   * The chassis's holds are the chassis service's, whichever node's token settles them; no agent of
   * the scope ends one.
   */
  @Test
  void onlyTheChassisSettlesTheChassissHolds() {
    String rid = reserveAsChassis(rig.tokens.valid("chassis-1", "chassis"), team + "/task", 600);
    String record = record(rid);

    assertHeldByAnother(rig.post(releasePath(rid), rig.agent(tenant), null));
    assertHeldByAnother(rig.post(commitPath(rid), rig.agent(team), ZERO));
    assertThat(record(rid)).isEqualTo(record);

    HttpResponse<String> committed =
        rig.post(
            commitPath(rid),
            rig.tokens.valid("chassis-2", "chassis"),
            new JsonObject().put("amount_micros", 250));
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    assertThat(json(committed).getLong("actual_micros")).isEqualTo(250);
  }

  /**
   * Defence in depth: a chassis hold with no holder recorded (made before holders were) can still
   * be released by an agent of the scope; the chassis's commit of the call it made is then charged
   * as a late commit, where it was refused and the call went uncharged.
   */
  @Test
  void theChassissCommitOnAHoldEndedOtherwiseIsChargedLate() {
    String chassis = rig.tokens.valid("chassis-1", "chassis");
    String rid = reserveAsChassis(chassis, team, 600);
    String key = TenantKeyNames.of(tenant).reservation(ReservationId.parse(rid));
    Await.result(rig.redis.send(Request.cmd(Command.HDEL).arg(key).arg("holder")));
    assertThat(rig.post(releasePath(rid), rig.agent(team), null).statusCode()).isEqualTo(200);

    HttpResponse<String> committed =
        rig.post(commitPath(rid), chassis, new JsonObject().put("amount_micros", 250));

    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    assertThat(json(committed).getBoolean("late")).isTrue();
    assertThat(rig.spentAndReserved(team)).containsExactly(250, 0);
  }

  private static String reserve(String token, String scope, long micros) {
    return reserve(token, new JsonObject().put("scope", scope).put("amount_micros", micros));
  }

  /** A reservation of the chassis service, under a grant on {@code scope} as it makes them. */
  private static String reserveAsChassis(String token, String scope, long micros) {
    return reserve(
        token,
        new JsonObject()
            .put("scope", scope)
            .put("amount_micros", micros)
            .put("grant", rig.grant(scope, 1_000_000)));
  }

  private static String reserve(String token, JsonObject body) {
    HttpResponse<String> reserved = rig.post("/v1/reservations", token, body);
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    return json(reserved).getString("reservation_id");
  }

  private static void assertHeldByAnother(HttpResponse<String> refused) {
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(json(refused).getString("code")).isEqualTo("RESERVATION_HELD_BY_ANOTHER");
  }

  /** The reservation's record in Redis, every field: what no refusal may change. */
  private static String record(String rid) {
    String key =
        TenantKeyNames.of(ReservationId.parse(rid).tenant()).reservation(ReservationId.parse(rid));
    return String.valueOf(Await.result(rig.redis.send(Request.cmd(Command.HGETALL).arg(key))));
  }

  private static String commitPath(String rid) {
    return "/v1/reservations/" + rid + "/commit";
  }

  private static String releasePath(String rid) {
    return "/v1/reservations/" + rid + "/release";
  }
}
