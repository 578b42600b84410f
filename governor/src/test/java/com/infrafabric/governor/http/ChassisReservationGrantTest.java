package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.service.TrustSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.StoreDigest;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantRevocation;
import com.infrafabric.wire.grant.GrantTokens;
import com.infrafabric.wire.reservation.ReservationWire;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: the chassis service's platform token, which no scope confines, reserved and committed
 * on any tenant's scope, any amount for any TTL, with nothing the governor signed behind it: a
 * chassis node (it runs untrusted WebAssembly) that was compromised could spend without limit in
 * every tenant and hold any tenant's caps for a day. Now a reservation of the chassis service is
 * held only under a grant this governor signed and that is still valid (not expired, its lease not
 * ended), on a scope within the grant's budget scope, ending before the grant does, and only while
 * the grant's holds and spend stay within its cost cap, across every call under it. Anything else
 * is refused with 403 and a stable code, and writes nothing.
 */
@Timeout(60)
class ChassisReservationGrantTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;
  private static String chassis;

  private String tenant;
  private String task;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    chassis = rig.tokens.valid("chassis-1", "chassis");
  }

  @BeforeEach
  void freshTenant() {
    tenant = GovernorRig.freshTenant("granted");
    task = tenant + "/search/task-1";
    rig.budget(tenant, "lifetime", 1_000_000_000L);
  }

  @Test
  void theChassisReservesNothingWithoutAGrant() {
    assertRefusedUnchanged(
        () -> reserve(new JsonObject().put("scope", task).put("amount_micros", 1_000_000_000L)),
        ErrorCode.GRANT_REQUIRED);
  }

  @Test
  void aGrantReservesOnlyWithinItsOwnScope() {
    String grant = rig.grant(task, 1_000_000);
    String other = GovernorRig.freshTenant("granted-other");
    rig.budget(other, "lifetime", 1_000_000_000L);

    for (String elsewhere : new String[] {other + "/zz", tenant + "/search/task-2", tenant}) {
      assertRefusedUnchanged(() -> reserve(elsewhere, 100, grant), ErrorCode.GRANT_SCOPE_MISMATCH);
    }
    assertThat(reserve(task + "/step", 100, grant).statusCode()).isEqualTo(201);
  }

  @Test
  void anExpiredGrantIsRefused() {
    Instant now = rig.clock.instant();
    Grant expired = GovernorServiceRig.grant(task, 1_000_000, now.minus(Duration.ofHours(1)));
    String token = rig.signed(expired, Clock.fixed(now.minus(Duration.ofHours(2)), ZoneOffset.UTC));

    assertRefusedUnchanged(() -> reserve(task, 100, token), ErrorCode.GRANT_INVALID);
  }

  @Test
  void aGrantSignedWithAnotherKeyIsRefused() {
    Grant grant =
        GovernorServiceRig.grant(task, 1_000_000, rig.clock.instant().plus(Duration.ofHours(1)));
    String forged =
        GrantTokens.sign(
            TokenMinter.fromPrivateJwks(SigningKeyPair.generate("ES256").privateJwks()),
            TrustSettings.DEFAULT_GRANT_ISSUER,
            TrustSettings.DEFAULT_GRANT_AUDIENCE,
            grant,
            rig.clock);

    assertRefusedUnchanged(() -> reserve(task, 100, forged), ErrorCode.GRANT_INVALID);
  }

  @Test
  void aGrantWhoseLeaseEndedIsRefused() {
    Grant grant =
        GovernorServiceRig.grant(task, 1_000_000, rig.clock.instant().plus(Duration.ofHours(1)));
    Await.result(
        rig.redis.send(Request.cmd(Command.SET).arg(GrantRevocation.key(grant)).arg("finished")));

    assertRefusedUnchanged(() -> reserve(task, 100, rig.signed(grant)), ErrorCode.GRANT_REVOKED);
  }

  @Test
  void aHoldMayNotOutliveItsGrant() {
    String grant =
        rig.signed(
            GovernorServiceRig.grant(
                task, 1_000_000, rig.clock.instant().plus(Duration.ofSeconds(60))));

    assertRefusedUnchanged(
        () -> reserve(body(task, 100, grant).put(ReservationWire.TTL_SECONDS, 61)),
        ErrorCode.GRANT_EXPIRES_FIRST);
    assertThat(reserve(body(task, 100, grant).put(ReservationWire.TTL_SECONDS, 60)).statusCode())
        .isEqualTo(201);
  }

  @Test
  void aHoldBeyondTheGrantsCostCapIsRefused() {
    String grant = rig.grant(task, 100);

    HttpResponse<String> refused =
        assertRefusedUnchanged(() -> reserve(task, 101, grant), ErrorCode.GRANT_CAP_EXCEEDED);
    assertThat(json(refused).getJsonObject("details").getLong(ReservationWire.REMAINING_MICROS))
        .isEqualTo(100);
  }

  /**
   * The cap bounds every call under the grant together: what its holds and commits add up to. A
   * commit counts its actual cost in place of its hold, a release gives the hold back, and an
   * expiry of the chassis's hold commits it at its whole amount, which stays counted.
   */
  @Test
  void theGrantsCostCapBoundsAllItsCallsTogether() {
    String grant = rig.grant(task, 100);
    String first = reserved(reserve(task, 60, grant));
    assertRefusedUnchanged(() -> reserve(task, 60, grant), ErrorCode.GRANT_CAP_EXCEEDED);

    assertThat(settle(first, "/commit", new JsonObject().put("amount_micros", 30)).statusCode())
        .isEqualTo(200);
    String second = reserved(reserve(task, 70, grant));
    assertRefusedUnchanged(() -> reserve(task, 1, grant), ErrorCode.GRANT_CAP_EXCEEDED);

    assertThat(settle(second, "/release", null).statusCode()).isEqualTo(200);
    reserved(reserve(body(task, 60, grant).put(ReservationWire.TTL_SECONDS, 5)));
    rig.clock.advance(Duration.ofSeconds(6));
    reserved(reserve(task, 10, grant));
    assertRefusedUnchanged(() -> reserve(task, 1, grant), ErrorCode.GRANT_CAP_EXCEEDED);
  }

  /**
   * Regression: the cap was checked when a hold was made, never when it was committed. Under a
   * grant of 5,000, holds of 1,000 were made until the cap refused more, and each was committed at
   * 4,000 as overage: 16,000 and more charged under the grant. A commit whose cost would take the
   * grant's holds and spend past its cap is now refused in the same step, writing nothing, and
   * names the most it may be committed at; the grant's spend ends at its cap, never past it.
   */
  @Test
  void aCommitAboveItsHoldMayNotTakeTheGrantPastItsCap() throws InterruptedException {
    String grant = rig.grant(task, 5_000);
    List<HttpResponse<String>> reserves =
        Concurrently.run(12, Duration.ofSeconds(30), i -> () -> reserve(task, 1_200, grant));
    List<String> holds =
        reserves.stream()
            .filter(answer -> answer.statusCode() == 201)
            .map(ChassisReservationGrantTest::reserved)
            .toList();
    assertThat(holds).hasSize(4);

    String before = StoreDigest.of(rig.redis);
    List<HttpResponse<String>> overages =
        Concurrently.run(
            holds.size(), Duration.ofSeconds(30), i -> () -> commit(holds.get(i), 4_000));
    assertThat(overages).allSatisfy(refused -> assertCommitCapped(refused, 1_400, 200));
    assertThat(StoreDigest.of(rig.redis)).isEqualTo(before);

    assertThat(committedMicros(commit(holds.get(0), 1_400))).isEqualTo(1_400);
    for (String hold : holds.subList(1, holds.size())) {
      assertCommitCapped(commit(hold, 4_000), 1_200, 0);
      assertThat(committedMicros(commit(hold, 1_200))).isEqualTo(1_200);
    }
    assertRefusedUnchanged(() -> reserve(task, 1, grant), ErrorCode.GRANT_CAP_EXCEEDED);
  }

  /**
   * A commit of a hold already ended (the chassis's commit is charged even then, as a late one)
   * adds its whole cost to the grant's counter, so the cap holds it as well: the hold's amount is
   * no longer counted, and only what the cap has left may be committed.
   */
  @Test
  void aLateCommitUnderAGrantIsHeldToItsCapToo() {
    String grant = rig.grant(task, 100);
    String rid = reserved(reserve(task, 60, grant));
    assertThat(settle(rid, "/release", null).statusCode()).isEqualTo(200);

    String before = StoreDigest.of(rig.redis);
    assertCommitCapped(commit(rid, 150), 100, 100);
    assertThat(StoreDigest.of(rig.redis)).isEqualTo(before);

    HttpResponse<String> late = commit(rid, 100);
    assertThat(committedMicros(late)).isEqualTo(100);
    assertThat(json(late).getBoolean("late")).isTrue();
    assertRefusedUnchanged(() -> reserve(task, 1, grant), ErrorCode.GRANT_CAP_EXCEEDED);
  }

  @Test
  void theGrantCapCodeIsTheOneTheChassisReadsAsADenial() {
    assertThat(ErrorCode.GRANT_CAP_EXCEEDED.name()).isEqualTo(ReservationWire.GRANT_CAP_EXCEEDED);
  }

  /**
   * Regression (probe): the chassis's calls for every tenant took one share of the node's slots. It
   * now names the tenant a call is for ({@link Requests#ACTING_TENANT}), which the node shares its
   * bounds by before the body is read; so the name must be the tenant the reservation is in, on the
   * reserve and on its settlement, or the request is refused and nothing is written.
   */
  @Test
  void theTenantTheChassisNamesMustBeTheReservationsOwn() {
    String grant = rig.grant(task, 1_000_000);
    String other = GovernorRig.freshTenant("acting-other");

    HttpResponse<String> misnamed =
        rig.call(
            "POST",
            ReservationWire.RESERVATIONS,
            chassis,
            body(task, 100, grant),
            Map.of(Requests.ACTING_TENANT, other, "Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(misnamed.statusCode()).as(misnamed.body()).isEqualTo(400);
    assertThat(json(misnamed).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(rig.spentAndReserved(tenant)).containsExactly(0, 0);

    String rid =
        reserved(
            rig.call(
                "POST",
                ReservationWire.RESERVATIONS,
                chassis,
                body(task, 100, grant),
                Map.of(
                    Requests.ACTING_TENANT,
                    tenant,
                    "Idempotency-Key",
                    UUID.randomUUID().toString())));
    HttpResponse<String> settledForAnother =
        rig.call(
            "POST",
            ReservationWire.releasePath(rid),
            chassis,
            new JsonObject(),
            Map.of(Requests.ACTING_TENANT, other, "Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(settledForAnother.statusCode()).as(settledForAnother.body()).isEqualTo(400);
    assertThat(rig.spentAndReserved(tenant)).containsExactly(0, 100);
  }

  @Test
  void anAgentTokenStillReservesInItsSubtreeWithoutAGrant() {
    HttpResponse<String> reserved =
        rig.post(
            ReservationWire.RESERVATIONS,
            rig.agent(tenant + "/search"),
            new JsonObject().put("scope", task).put("amount_micros", 100));
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
  }

  private HttpResponse<String> assertRefusedUnchanged(
      java.util.function.Supplier<HttpResponse<String>> request, ErrorCode code) {
    String before = StoreDigest.of(rig.redis);
    HttpResponse<String> refused = request.get();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).getString("code")).isEqualTo(code.name());
    assertThat(StoreDigest.of(rig.redis)).isEqualTo(before);
    return refused;
  }

  private static void assertCommitCapped(
      HttpResponse<String> refused, long maxCommit, long remaining) {
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    JsonObject answer = json(refused);
    assertThat(answer.getString("code")).isEqualTo(ErrorCode.GRANT_CAP_EXCEEDED.name());
    JsonObject details = answer.getJsonObject("details");
    assertThat(details.getLong(ReservationWire.MAX_COMMIT_MICROS)).isEqualTo(maxCommit);
    assertThat(details.getLong(ReservationWire.REMAINING_MICROS)).isEqualTo(remaining);
  }

  private static HttpResponse<String> commit(String rid, long micros) {
    return settle(rid, "/commit", new JsonObject().put("amount_micros", micros));
  }

  private static long committedMicros(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer).getLong(ReservationWire.ACTUAL_MICROS);
  }

  private static JsonObject body(String scope, long micros, String grant) {
    return new JsonObject()
        .put("scope", scope)
        .put("amount_micros", micros)
        .put(ReservationWire.GRANT, grant);
  }

  private static HttpResponse<String> reserve(String scope, long micros, String grant) {
    return reserve(body(scope, micros, grant));
  }

  private static HttpResponse<String> reserve(JsonObject body) {
    return rig.post(ReservationWire.RESERVATIONS, chassis, body);
  }

  private static String reserved(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    return json(answer).getString(ReservationWire.RESERVATION_ID);
  }

  private static HttpResponse<String> settle(String rid, String action, JsonObject body) {
    return rig.post(ReservationWire.RESERVATIONS + "/" + rid + action, chassis, body);
  }
}
