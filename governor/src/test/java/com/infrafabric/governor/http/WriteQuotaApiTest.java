package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.tenant.RecordCharge;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: the records a tenant's requests leave in the shared Redis (idempotency records for 25
 * h, reservation records for 48 h, ledger entries for a week) were bounded only by each principal's
 * rate limit, and a reserve and its release cost no money, so a tenant with many agent tokens or
 * virtual keys could fill the memory every tenant shares. Each tenant is now charged what its
 * requests leave ({@link RecordCharge}), at most {@code budget.tenantRecordsPerHour} an hour,
 * decided in the script that writes them: past it a request is 429 {@code TENANT_WRITE_QUOTA} with
 * {@code Retry-After} and writes nothing, while settling what was admitted always passes.
 */
@Timeout(120)
class WriteQuotaApiTest {

  /** Room for this many reserves an hour, after the tenant's budget put. */
  private static final int RESERVES = 10;

  private static final long QUOTA =
      RecordCharge.CHANGE.records() + RESERVES * RecordCharge.RESERVE.records();

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** The last agent that reserved on each tenant {@link #tenantAtItsQuota} filled. */
  private static final Map<String, String> AGENTS = new ConcurrentHashMap<>();

  private static Path directory;
  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    directory = TempFolder.create("write-quota-");
    rig =
        new GovernorServiceRig(
            REDIS.endpoint(), directory, BudgetSettings.DEFAULTS.withTenantRecordsPerHour(QUOTA));
  }

  @AfterAll
  static void stop() {
    rig.close();
    TempFolder.delete(directory);
  }

  @Test
  void aTenantPastItsQuotaIs429WithRetryAfterAndTheStoreUnchanged() {
    String t = tenantAtItsQuota("full");
    // Principals that called already: the rate limiter keeps a bucket per principal, not per
    // tenant, and a new one's first call would add its bucket to the store.
    String agent = AGENTS.get(t);
    String admin = rig.admin(t);
    String quota = TenantKeyNames.of(t).writeQuota(rig.clock.instant());
    assertThat(send(Request.cmd(Command.GET).arg(quota)).toLong()).isEqualTo(QUOTA);
    TreeSet<String> keys = tenantKeys(t);
    long stored = dbSize();
    long entries = ledgerLength(t);

    HttpResponse<String> refused = reserve(agent, t + "/p");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    JsonObject error = json(refused);
    assertThat(error.getString("code")).isEqualTo("TENANT_WRITE_QUOTA");
    assertThat(error.getString("message"))
        .contains("budget.tenantRecordsPerHour", "nothing was recorded");
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValue(Long.toString(secondsToTheHoursEnd()));
    assertThat(charge(agent, t + "/p").statusCode()).isEqualTo(429);
    assertThat(
            rig.post(
                    "/v1/keys",
                    admin,
                    new JsonObject()
                        .put("scope", t + "/p")
                        .put("allowed_models", new JsonArray().add("gpt-test"))
                        .put("requests_per_minute", 60)
                        .put("tokens_per_minute", 100_000))
                .statusCode())
        .isEqualTo(429);
    assertThat(tenantKeys(t)).isEqualTo(keys);
    assertThat(dbSize()).isEqualTo(stored);
    assertThat(ledgerLength(t)).isEqualTo(entries);
    assertThat(send(Request.cmd(Command.GET).arg(quota)).toLong()).isEqualTo(QUOTA);

    String other = GovernorRig.freshTenant("other");
    rig.budget(other, "lifetime", 1_000_000);
    assertThat(reserve(rig.agent(other), other + "/p").statusCode()).isEqualTo(201);
  }

  @Test
  void settlingWhatWasAdmittedPassesAtTheQuota() {
    String t = GovernorRig.freshTenant("settle");
    rig.budget(t, "lifetime", 1_000_000);
    String agent = rig.agent(t);
    List<String> held = new ArrayList<>();
    for (int i = 0; i < RESERVES; i++) {
      HttpResponse<String> reserved = reserve(agent, t + "/p", "r" + i);
      assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
      held.add(json(reserved).getString("reservation_id"));
    }
    assertThat(reserve(agent, t + "/p").statusCode()).isEqualTo(429);

    assertThat(settle(agent, held.get(0), "commit", new JsonObject().put("amount_micros", 0)))
        .isEqualTo(200);
    assertThat(settle(agent, held.get(1), "commit", new JsonObject().put("amount_micros", 70)))
        .isEqualTo(200);
    assertThat(settle(agent, held.get(2), "release", new JsonObject())).isEqualTo(200);
    HttpResponse<String> repeated = reserve(agent, t + "/p", "r3");
    assertThat(repeated.statusCode())
        .as("a repeat is answered from its record, free")
        .isIn(200, 201);
    assertThat(json(repeated).getString("reservation_id")).isEqualTo(held.get(3));

    String quota = TenantKeyNames.of(t).writeQuota(rig.clock.instant());
    assertThat(send(Request.cmd(Command.GET).arg(quota)).toLong())
        .as("settlements were paid for by their reserves")
        .isEqualTo(QUOTA);
  }

  @Test
  void theQuotaRenewsWhenTheHourRollsOver() {
    String t = tenantAtItsQuota("rollover");
    assertThat(reserve(AGENTS.get(t), t + "/p").statusCode()).isEqualTo(429);

    rig.clock.advance(Duration.ofSeconds(secondsToTheHoursEnd()));

    // A token minted now: the earlier ones expired with the hour.
    assertThat(reserve(rig.agent(t), t + "/p").statusCode()).isEqualTo(201);
  }

  @Test
  void concurrentRequestsNeverTakeATenantPastItsQuota() throws InterruptedException {
    String t = GovernorRig.freshTenant("race");
    rig.budget(t, "lifetime", 1_000_000);

    List<Integer> statuses =
        Concurrently.run(
            4 * RESERVES, Duration.ofSeconds(90), i -> () -> admittedOrRefused(rig.agent(t), t));

    assertThat(statuses.stream().filter(status -> status == 201)).hasSize(RESERVES);
    assertThat(statuses.stream().filter(status -> status == 429)).hasSize(3 * RESERVES);
    String quota = TenantKeyNames.of(t).writeQuota(rig.clock.instant());
    assertThat(send(Request.cmd(Command.GET).arg(quota)).toLong()).isEqualTo(QUOTA);
    assertThat(rig.operations(t)).hasSize(RESERVES);
  }

  /**
   * A fresh tenant whose agents, each a principal of its own, made as many reserves as it may; the
   * last of them is kept in {@link #AGENTS}.
   */
  private static String tenantAtItsQuota(String prefix) {
    String t = GovernorRig.freshTenant(prefix);
    rig.budget(t, "lifetime", 1_000_000);
    for (int i = 0; i < RESERVES; i++) {
      String agent = rig.agent(t);
      HttpResponse<String> reserved = reserve(agent, t + "/p");
      assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
      AGENTS.put(t, agent);
    }
    return t;
  }

  /**
   * A reserve's status once the node's admission limit, which sheds concurrent new spending with
   * 503 whatever the quota, let it through.
   */
  private static int admittedOrRefused(String agent, String tenant) {
    int status;
    do {
      status = reserve(agent, tenant + "/p").statusCode();
    } while (status == 503);
    return status;
  }

  private static long secondsToTheHoursEnd() {
    long hour = RecordCharge.WINDOW.toMillis();
    long now = rig.clock.instant().toEpochMilli();
    return ((now / hour + 1) * hour - now + 999) / 1000;
  }

  private static HttpResponse<String> reserve(String token, String scope) {
    return rig.post(
        "/v1/reservations", token, new JsonObject().put("scope", scope).put("amount_micros", 100));
  }

  private static HttpResponse<String> reserve(String token, String scope, String idempotencyKey) {
    return rig.call(
        "POST",
        "/v1/reservations",
        token,
        new JsonObject().put("scope", scope).put("amount_micros", 100),
        Map.of("Idempotency-Key", idempotencyKey));
  }

  private static HttpResponse<String> charge(String token, String scope) {
    return rig.post(
        "/v1/charges", token, new JsonObject().put("scope", scope).put("amount_micros", 1));
  }

  private static int settle(String token, String reservation, String how, JsonObject body) {
    HttpResponse<String> settled =
        rig.post("/v1/reservations/" + reservation + "/" + how, token, body);
    assertThat(settled.statusCode()).as(settled.body()).isIn(200, 429);
    return settled.statusCode();
  }

  /** The names of every key of the tenant. */
  private static TreeSet<String> tenantKeys(String tenant) {
    TreeSet<String> names = new TreeSet<>();
    Response found = send(Request.cmd(Command.KEYS).arg(TenantKeyNames.of(tenant).prefix() + "*"));
    found.forEach(name -> names.add(name.toString()));
    return names;
  }

  private static long dbSize() {
    return send(Request.cmd(Command.DBSIZE)).toLong();
  }

  private static long ledgerLength(String tenant) {
    return send(Request.cmd(Command.XLEN).arg(TenantKeyNames.of(tenant).ledger())).toLong();
  }

  private static Response send(Request request) {
    return Await.result(rig.redis.send(request));
  }
}
