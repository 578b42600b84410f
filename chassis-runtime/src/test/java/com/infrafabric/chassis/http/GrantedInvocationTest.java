package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.llm.GovernorHttpBudget;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.FakeGovernor;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent invokes a tool that calls {@code llm_complete} over REST with the governor's grant in
 * {@code X-InfraFabric-Grant}: without it, or with a grant the chassis refuses, nothing runs (403
 * with the outcome); with it, the offline model answers and its cost is committed to the governor.
 */
@Timeout(120)
class GrantedInvocationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final String MODEL = "offline-small";

  private static FakeGovernor governor;
  private static Vertx budgetVertx;
  private static GovernorHttpBudget budget;
  private static ChassisServiceRig rig;
  private static ModuleDigest digest;

  @BeforeAll
  static void start() {
    governor = FakeGovernor.start(1_000_000);
    budgetVertx = Vertx.vertx();
    budget =
        GovernorHttpBudget.create(
            budgetVertx, URI.create(governor.url()), () -> "chassis-token", Duration.ofSeconds(5));
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of("chassis.llm.offlineModels", MODEL),
            Optional.of(budget));
    byte[] module = Guests.fixture("examples/wat/llm_complete.wat");
    digest = ModuleDigest.of(module);
    HttpResponse<String> registered =
        rig.register(module, Contracts.forModule("ask", module).grantLlm(List.of(MODEL), 1, 64));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    rig.close();
    budget.close();
    budgetVertx.close().await();
    governor.close();
  }

  private static JsonObject question() {
    return new JsonObject()
        .put("model", MODEL)
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hello there")))
        .put("max_tokens", 32);
  }

  private static Grant grant(int uses) {
    return rig.grants.grant(digest, Set.of("llm"), Set.of(), Set.of(MODEL), 100_000, uses);
  }

  @Test
  void underAGrantTheModelAnswersAndItsCostIsCommitted() {
    long spentBefore = governor.spentMicros();
    HttpResponse<String> answered =
        rig.invokeUnder(rig.grants.sign(grant(1)), rig.grantee("ask"), "ask", "1.0.0", question());

    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    JsonObject completion = json(answered).getJsonObject("output");
    assertThat(completion.getString("content"))
        .isEqualTo("[offline " + MODEL + "] You said: Hello there");
    assertThat(completion.getLong("cost_micros"))
        .isPositive()
        .isEqualTo(governor.spentMicros() - spentBefore);
    assertThat(governor.activeReservations()).isZero();
  }

  @Test
  void withoutAGrantNothingRuns() {
    int reservesBefore = governor.reserveCalls();
    HttpResponse<String> refused = rig.invoke(rig.grantee("ask"), "ask", "1.0.0", question());

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).getString("outcome")).isEqualTo("GRANT_REQUIRED");
    assertThat(json(refused).getString("code")).isEqualTo("GRANT_REQUIRED");
    assertThat(json(refused).getString("message"))
        .isEqualTo("tool ask@1.0.0 uses llm or credentials and runs only under a grant");
    assertThat(governor.reserveCalls()).isEqualTo(reservesBefore);
  }

  @Test
  void aSpentGrantOrOneForAnotherAudienceIsRefused() {
    Grant once = grant(1);
    String token = rig.grants.sign(once);
    String agent = rig.grantee("ask");
    assertThat(rig.invokeUnder(token, agent, "ask", "1.0.0", question()).statusCode())
        .isEqualTo(200);

    HttpResponse<String> replayed = rig.invokeUnder(token, agent, "ask", "1.0.0", question());
    assertThat(replayed.statusCode()).isEqualTo(403);
    assertThat(json(replayed).getString("outcome")).isEqualTo("GRANT_REFUSED");
    assertThat(json(replayed).getString("message"))
        .isEqualTo("grant refused: " + once.id() + " was already used 1 of 1 times");

    HttpResponse<String> elsewhere =
        rig.invokeUnder(
            rig.grants.sign(grant(1), "another-chassis"), agent, "ask", "1.0.0", question());
    assertThat(elsewhere.statusCode()).isEqualTo(403);
    assertThat(json(elsewhere).getString("code")).isEqualTo("GRANT_REFUSED");
  }

  @Test
  void aGrantForAnotherAgentIsRefused() {
    HttpResponse<String> refused =
        rig.invokeUnder(
            rig.grants.sign(grant(1)), rig.agent("tenant-a", "ask"), "ask", "1.0.0", question());

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).getString("outcome")).isEqualTo("GRANT_REFUSED");
    assertThat(json(refused).getString("message")).startsWith("grant refused: it is for agent");
  }
}
