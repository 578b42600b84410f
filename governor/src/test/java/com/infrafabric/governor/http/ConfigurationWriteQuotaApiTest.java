package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.tenant.RecordCharge;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: the configuration routes (budget put and delete, zone, policy, an agent's
 * registration, status, removal and breaker reset) appended a ledger entry, about 240 B kept a
 * week, on every call and were never charged to the tenant's write quota: with the quota spent, an
 * admin's 400 calls grew the ledger from 5 to 405 entries. Each change is now charged its entry
 * ({@link RecordCharge#CHANGE}) in the script that writes it, so at the quota every configuration
 * route of the route table is 429 {@code TENANT_WRITE_QUOTA} with {@code Retry-After} and leaves
 * every key of the tenant as it was, while a settlement paid in advance (a key's revocation) still
 * passes.
 */
@Timeout(120)
class ConfigurationWriteQuotaApiTest {

  private static final long QUOTA = 100;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static Path directory;
  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    directory = TempFolder.create("configuration-quota-");
    rig =
        new GovernorServiceRig(
            REDIS.endpoint(), directory, BudgetSettings.DEFAULTS.withTenantRecordsPerHour(QUOTA));
  }

  @AfterAll
  static void stop() {
    rig.close();
    TempFolder.delete(directory);
  }

  /**
   * Walks the configuration routes in order, on a tenant of their own each: the routes before it
   * are called with room in the quota (so the route's own call would change something, as {@code
   * ConfigurationChangesApiTest} shows it does and records), then the quota is spent, then the
   * route is called.
   */
  @Test
  void everyConfigurationRouteIsRefusedOnceTheQuotaIsSpentAndWritesNothing() {
    List<String> routes = new ArrayList<>(ConfigurationCalls.of(rig, "listing").keySet());
    assertThat(routes)
        .as("the configuration routes of the route table")
        .containsExactlyInAnyOrderElementsOf(ConfigurationCalls.inRouteTable(rig));
    for (int i = 0; i < routes.size(); i++) {
      String t = GovernorRig.freshTenant("quota-" + i);
      String admin = rig.admin(t);
      Map<String, ConfigurationCalls.Call> calls = ConfigurationCalls.of(rig, t);
      for (String before : routes.subList(0, i)) {
        calls.get(before).prepare().run();
        HttpResponse<String> answer = calls.get(before).send().apply(admin);
        assertThat(answer.statusCode()).as(before + ": " + answer.body()).isBetween(200, 204);
      }
      String route = routes.get(i);
      calls.get(route).prepare().run();
      spendTheQuota(t);
      Map<String, String> stored = tenantKeys(t);

      HttpResponse<String> answer = calls.get(route).send().apply(admin);

      if (ConfigurationCalls.PREPAID.contains(route)) {
        assertThat(answer.statusCode()).as(route + ": " + answer.body()).isBetween(200, 204);
        continue;
      }
      assertThat(answer.statusCode()).as(route + ": " + answer.body()).isEqualTo(429);
      assertThat(json(answer).getString("code")).as(route).isEqualTo("TENANT_WRITE_QUOTA");
      assertThat(answer.headers().firstValue("Retry-After")).as(route).isPresent();
      assertThat(tenantKeys(t)).as(route + " wrote nothing").isEqualTo(stored);
    }
  }

  /** Counts the tenant's whole quota as charged this hour, as its requests would have. */
  private static void spendTheQuota(String tenant) {
    String quota = TenantKeyNames.of(tenant).writeQuota(rig.clock.instant());
    send(Request.cmd(Command.SET).arg(quota).arg(QUOTA).arg("PX").arg(3_600_000));
  }

  /** Every key of the tenant and its serialized value. */
  private static Map<String, String> tenantKeys(String tenant) {
    Map<String, String> keys = new TreeMap<>();
    Response names = send(Request.cmd(Command.KEYS).arg(TenantKeyNames.of(tenant).prefix() + "*"));
    for (Response name : names) {
      Response value = send(Request.cmd(Command.DUMP).arg(name.toString()));
      keys.put(name.toString(), value == null ? "" : hex(value.toBuffer()));
    }
    return keys;
  }

  private static String hex(Buffer bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes.getBytes()) {
      text.append(String.format("%02x", b));
    }
    return text.toString();
  }

  private static Response send(Request request) {
    return Await.result(rig.redis.send(request));
  }
}
