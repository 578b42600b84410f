package com.infrafabric.governor.gateway;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression class: a gateway call's reservation could be settled by someone other than the
 * gateway. While the call waited on its provider, any agent token whose subtree covered the call's
 * scope found the hold ({@code GET /v1/reservations?state=open}) and released it, or committed it
 * at zero; the gateway's commit then failed ("already released; the store answered, so it is not
 * retried"), the client had its answer and nothing was charged. Now the gateway alone settles its
 * holds; and should one have ended otherwise all the same (a hold recorded before holders were),
 * its commit is charged as a late one, never only logged as not charged.
 */
@Timeout(60)
class GatewayHoldOwnershipTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  /** How long the provider takes to answer: the hold is tried while the call waits. */
  private static final Duration ANSWER = Duration.ofSeconds(4);

  @Test
  void nobodyButTheGatewaySettlesACallsHoldAndTheCallIsCharged() throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    String tenant = scope.split("/", 2)[0];
    RIG.primary.then(new Behaviour.Slow(ANSWER));

    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(() -> RIG.sayHi("openai", false, 100, scope));
    String rid = openReservation(scope);
    for (String intruder : List.of(RIG.agent(scope), RIG.agent(tenant))) {
      assertHeldByAnother(RIG.governor.post(path(rid, "release"), intruder, null));
      assertHeldByAnother(
          RIG.governor.post(
              path(rid, "commit"), intruder, new JsonObject().put("amount_micros", 0)));
    }
    assertThat(answer.isDone()).as("the provider still had the call").isFalse();

    assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    RIG.awaitSettled(scope, reported());
    assertThat(lastEntry(scope).getString("type")).isEqualTo("commit");
  }

  /**
   * Defence in depth: a hold with no holder recorded (made before holders were) can still be
   * released by an agent of the subtree; the gateway's commit then charges the call as a late
   * commit, where it gave up before.
   */
  @Test
  void aCallWhoseHoldAnotherEndedIsChargedAllTheSame() throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    String tenant = scope.split("/", 2)[0];
    RIG.primary.then(new Behaviour.Slow(ANSWER));

    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(() -> RIG.sayHi("openai", false, 100, scope));
    String rid = openReservation(scope);
    String key = TenantKeyNames.of(tenant).reservation(ReservationId.parse(rid));
    Await.result(RIG.governor.redis.send(Request.cmd(Command.HDEL).arg(key).arg("holder")));
    HttpResponse<String> released = RIG.governor.post(path(rid, "release"), RIG.agent(scope), null);
    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);

    assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    RIG.awaitSettled(scope, reported());
    JsonObject commit = lastEntry(scope);
    assertThat(commit.getString("type")).isEqualTo("commit");
    assertThat(commit.getLong("spent_delta_micros")).isEqualTo(reported());
    assertThat(commit.getJsonObject("fields").getString("late")).isEqualTo("1");
  }

  /** The call's reservation, once it is open, as a subtree's admin lists it. */
  private static String openReservation(String scope) {
    String tenant = scope.split("/", 2)[0];
    String admin = RIG.governor.admin(tenant);
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              HttpResponse<String> page =
                  RIG.governor.http.get(
                      "/v1/reservations?state=open&scope=" + encode(scope), admin);
              JsonArray open = json(page).getJsonArray("reservations");
              return open.isEmpty() ? null : open.getJsonObject(0).getString("reservation_id");
            },
            rid -> rid != null);
  }

  /** What the fake provider's answer reports, at the rig's prices. */
  private static long reported() {
    return RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, FakeProvider.OUTPUT_TOKENS);
  }

  private static JsonObject lastEntry(String scope) {
    List<JsonObject> ledger = RIG.ledger(scope);
    return ledger.get(ledger.size() - 1);
  }

  private static void assertHeldByAnother(HttpResponse<String> refused) {
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(json(refused).getString("code")).isEqualTo("RESERVATION_HELD_BY_ANOTHER");
  }

  private static String path(String rid, String action) {
    return "/v1/reservations/" + rid + "/" + action;
  }
}
