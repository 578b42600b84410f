package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.events.EventStream;
import com.infrafabric.governor.tenant.RecordCharge;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a request the governor refused, or that changed nothing, could still append to the
 * tenant's streams without being charged against its write quota: a claim no agent qualified for
 * (409 {@code NOT_CLAIMED}) appended a {@code claim.escalated} event each time, charged nothing, so
 * one subtree's dispatcher could fill the tenant's event history (and its webhooks) without ever
 * meeting 429. Every entry a request leaves in the tenant's ledger or event streams is now charged
 * ({@link RecordCharge}) in the script that writes it, and refused once the quota is spent. This
 * walks the refusal and no-op outcomes of every charged route and holds each to: no entry written
 * beyond what the quota was charged.
 */
@Timeout(120)
class RefusalWriteQuotaApiTest {

  /**
   * Escalated claims the tenant of {@link #anEscalationIsChargedAndRefusedOnceTheQuotaIsSpent} may
   * make.
   */
  private static final int ESCALATIONS = 3;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static Path directory;
  private static Path smallDirectory;
  private static GovernorServiceRig rig;
  private static GovernorServiceRig small;

  @BeforeAll
  static void start() {
    directory = TempFolder.create("refusal-quota-");
    smallDirectory = TempFolder.create("refusal-small-quota-");
    rig = new GovernorServiceRig(REDIS.endpoint(), directory, BudgetSettings.DEFAULTS);
    // Room for the budget put and for ESCALATIONS escalations, the last of which still needs room
    // for a whole claim when it is asked.
    long quota =
        RecordCharge.CHANGE.records()
            + RecordCharge.CLAIM.records()
            + (ESCALATIONS - 1) * RecordCharge.ESCALATION.records();
    small =
        new GovernorServiceRig(
            REDIS.endpoint(),
            smallDirectory,
            BudgetSettings.DEFAULTS.withTenantRecordsPerHour(quota));
  }

  @AfterAll
  static void stop() {
    small.close();
    rig.close();
    TempFolder.delete(directory);
    TempFolder.delete(smallDirectory);
  }

  @Test
  void noRefusalNorNoOpWritesAStreamEntryItWasNotCharged() {
    String t = GovernorRig.freshTenant("refusals");
    rig.budget(t, "lifetime", 1_000_000);
    String admin = rig.admin(t);
    String agent = rig.agent(t);
    registerCoder(t);
    String dispatcher = dispatcher(rig, t);
    String reservation = committedReservation(agent, t + "/p");
    String lease = finishedLease(dispatcher, t);
    String coder = rig.tokens.mint(rig.tokens.spec("coder", "agent").withScope(t));
    String key = revokedKey(admin, t);

    Map<String, Supplier<HttpResponse<String>>> outcomes = new LinkedHashMap<>();
    outcomes.put(
        "claim nobody can take",
        () -> rig.post("/v1/claims", dispatcher, task(t, "nobody", "rust:1")));
    outcomes.put(
        "claim of a completed task",
        () -> rig.post("/v1/claims", dispatcher, task(t, "done", "python:2")));
    outcomes.put(
        "reserve over the cap",
        () ->
            rig.post(
                "/v1/reservations",
                agent,
                new JsonObject().put("scope", t + "/p").put("amount_micros", 2_000_000)));
    outcomes.put(
        "commit of a committed reservation",
        () ->
            rig.post(
                "/v1/reservations/" + reservation + "/commit",
                agent,
                new JsonObject().put("amount_micros", 1)));
    outcomes.put(
        "release of a committed reservation",
        () -> rig.post("/v1/reservations/" + reservation + "/release", agent, new JsonObject()));
    outcomes.put(
        "heartbeat of a finished lease",
        () -> rig.post(leasePath(lease, "heartbeat"), coder, new JsonObject()));
    outcomes.put(
        "finish of a finished lease",
        () ->
            rig.post(
                leasePath(lease, "finish"), coder, new JsonObject().put("outcome", "succeeded")));
    outcomes.put(
        "rotation of a revoked key",
        () -> rig.post("/v1/keys/" + t + "/" + key + "/rotate", admin, new JsonObject()));
    outcomes.put(
        "expiry of a revoked key",
        () -> rig.post("/v1/keys/" + t + "/" + key + "/expire", admin, new JsonObject()));
    outcomes.put(
        "revocation of a revoked key",
        () -> rig.call("DELETE", "/v1/keys/" + t + "/" + key, admin, null));
    outcomes.put(
        "the same budget again",
        () ->
            rig.call(
                "PUT",
                "/v1/budgets/" + t,
                admin,
                new JsonObject()
                    .put(
                        "limits",
                        new JsonObject()
                            .put(
                                "lifetime",
                                new JsonObject()
                                    .put("cap_micros", 1_000_000)
                                    .put("thresholds_pct", new JsonArray())))));

    List<String> unpaid = new ArrayList<>();
    outcomes.forEach(
        (name, request) -> {
          long entries = streamEntries(rig, t);
          long charged = charged(rig, t);
          HttpResponse<String> answer = request.get();
          assertThat(answer.statusCode()).as(name + ": " + answer.body()).isIn(200, 402, 404, 409);
          long written = streamEntries(rig, t) - entries;
          long paid = charged(rig, t) - charged;
          if (written > paid) {
            unpaid.add(name + " (" + answer.statusCode() + ") wrote " + written + ", paid " + paid);
          }
        });
    assertThat(unpaid).isEmpty();
  }

  @Test
  void anEscalationIsChargedAndRefusedOnceTheQuotaIsSpent() {
    String t = GovernorRig.freshTenant("escalations");
    small.budget(t, "lifetime", 1_000_000);
    String dispatcher = dispatcher(small, t);
    String events = EventStream.CLAIMS.key(t);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i <= ESCALATIONS; i++) {
      statuses.add(small.post("/v1/claims", dispatcher, task(t, "t-" + i, "rust:1")).statusCode());
    }
    HttpResponse<String> refused = small.post("/v1/claims", dispatcher, task(t, "t-x", "rust:1"));

    assertThat(statuses.subList(0, ESCALATIONS)).containsOnly(409);
    assertThat(statuses.get(ESCALATIONS)).isEqualTo(429);
    assertThat(json(refused).getString("code")).isEqualTo("TENANT_WRITE_QUOTA");
    assertThat(length(small, events)).isEqualTo(ESCALATIONS);
  }

  private static void registerCoder(String t) {
    String contract =
        rig.tokens.mint(
            ClaimRig.contract(t, "coder", Map.of("python", 2), 2_000, 1)
                .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
    HttpResponse<String> registered =
        rig.post("/v1/agents", rig.admin(t), new JsonObject().put("contract", contract));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
  }

  private static String dispatcher(GovernorServiceRig on, String scope) {
    return on.tokens.mint(on.tokens.spec("dispatcher-1", "dispatcher").withScope(scope));
  }

  private static JsonObject task(String t, String id, String required) {
    return new JsonObject()
        .put("task_id", id)
        .put("scope", t + "/" + id)
        .put("required", new JsonArray().add(required))
        .put("max_cost_micros", 5_000);
  }

  private static String committedReservation(String agent, String scope) {
    HttpResponse<String> reserved =
        rig.post(
            "/v1/reservations",
            agent,
            new JsonObject().put("scope", scope).put("amount_micros", 100));
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    String id = json(reserved).getString("reservation_id");
    HttpResponse<String> committed =
        rig.post(
            "/v1/reservations/" + id + "/commit", agent, new JsonObject().put("amount_micros", 50));
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    return id;
  }

  /** The lease of task {@code done}, claimed by the coder and finished. */
  private static String finishedLease(String dispatcher, String t) {
    HttpResponse<String> claimed = rig.post("/v1/claims", dispatcher, task(t, "done", "python:2"));
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
    String lease = json(claimed).getString("lease_id");
    String coder = rig.tokens.mint(rig.tokens.spec("coder", "agent").withScope(t));
    HttpResponse<String> finished =
        rig.post(
            leasePath(lease, "finish"),
            coder,
            new JsonObject().put("outcome", "succeeded").put("amount_micros", 1_000));
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    return lease;
  }

  private static String revokedKey(String admin, String t) {
    HttpResponse<String> created =
        rig.post(
            "/v1/keys",
            admin,
            new JsonObject()
                .put("scope", t + "/p")
                .put("allowed_models", new JsonArray().add("gpt-test"))
                .put("requests_per_minute", 60)
                .put("tokens_per_minute", 100_000));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).getString("id");
    assertThat(rig.call("DELETE", "/v1/keys/" + t + "/" + id, admin, null).statusCode())
        .isEqualTo(204);
    return id;
  }

  private static String leasePath(String lease, String action) {
    return "/v1/leases/" + lease.replace("/", "%2F").replace("#", "%23") + "/" + action;
  }

  /** The entries in the tenant's ledger and both its event streams. */
  private static long streamEntries(GovernorServiceRig on, String t) {
    long entries = length(on, TenantKeyNames.of(t).ledger());
    for (EventStream stream : EventStream.values()) {
      entries += length(on, stream.key(t));
    }
    return entries;
  }

  /** What the tenant's requests were charged in the current quota window. */
  private static long charged(GovernorServiceRig on, String t) {
    Response used =
        send(on, Request.cmd(Command.GET).arg(TenantKeyNames.of(t).writeQuota(on.clock.instant())));
    return used == null ? 0 : used.toLong();
  }

  private static long length(GovernorServiceRig on, String stream) {
    return send(on, Request.cmd(Command.XLEN).arg(stream)).toLong();
  }

  private static Response send(GovernorServiceRig on, Request request) {
    return Await.result(on.redis.send(request));
  }
}
