package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tools' key-value data shares one Redis with budgets and the registry. Filled from several
 * tenants' namespaces, each within its own quota, it stops at its share of the server's memory, and
 * the money path and registrations still write.
 */
@Timeout(120)
class SharedStoreTest {

  private static final long MAX_MEMORY = 48L << 20;

  @TempDir static Path directory;
  private static ManagedRedisServer server;
  private static TestChassis chassis;
  private static Vertx vertx;
  private static RedisStore redis;

  @BeforeAll
  static void start() {
    server = ManagedRedisServer.builder(directory).maxMemoryBytes(MAX_MEMORY).build().start();
    vertx = Vertx.vertx();
    redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(server.endpoint()).withCommandTimeout(Duration.ofSeconds(2)),
            new SimpleMeterRegistry());
    chassis = TestChassis.start(server.endpoint());
  }

  @AfterAll
  static void stop() {
    try (ManagedRedisServer stopping = server) {
      if (chassis != null) {
        chassis.close();
      }
      redis.close();
      vertx.close().await();
    }
  }

  @Test
  void toolsFillingTheStoreLeaveTheMoneyPathAndTheRegistryTheirHeadroom() {
    ToolRef fill =
        chassis
            .register(
                Guests.fixture("kv-fill.wat"),
                c ->
                    c.grantKv((16L << 20) + 1024, 100)
                        .limit("memory", "maxPages", 5)
                        .limit("timeoutMs", null, 30_000)
                        .limit("cpuTimeMs", null, 10_000))
            .ref();
    int tenant = 0;
    int stored;
    do {
      stored = fill(fill, "tenant-" + ++tenant);
    } while (stored == 64 && tenant < 10);
    assertThat(stored).as("the last tenant stopped below its own quota").isLessThan(64);
    assertThat(tenant).as("several namespaces filled before").isGreaterThan(1);
    assertThat(usedMemory()).isLessThanOrEqualTo(MAX_MEMORY * 3 / 4 + (1 << 20));
    // Regression: two tenants filled the whole share and a newcomer's first write was refused. In
    // the share's last quarter a tenant holds no more than stays free, so newcomers still write.
    assertThat(fill(fill, "tenant-late")).as("a newcomer's writes").isGreaterThan(0);
    assertThat(fill(fill, "tenant-later")).as("the next newcomer's").isGreaterThan(0);
    assertThat(usedMemory()).isLessThanOrEqualTo(MAX_MEMORY * 3 / 4 + (1 << 20));

    TenantScripts scripts =
        new TenantScripts(
            redis,
            Clock.systemUTC(),
            BudgetSettings.DEFAULTS.idempotencyTtl(),
            BudgetSettings.DEFAULTS.recordRetention(),
            BudgetSettings.DEFAULTS.maxScopes(),
            BudgetSettings.DEFAULTS.tenantRecordsPerHour());
    BudgetEngine engine =
        new BudgetEngine(
            scripts,
            new PricingCatalogues(redis),
            BudgetSettings.DEFAULTS,
            new SimpleMeterRegistry());
    Budgets budgets = new Budgets(redis, engine);
    Scope scope = Scope.parse("money");
    Await.result(budgets.put(Budget.of(scope, Window.DAY, Limit.of(1_000_000)), "test"));
    for (int i = 0; i < 20; i++) {
      ReserveOutcome reserved =
          Await.result(
              engine.reserve(
                  new ReserveRequest(
                      scope,
                      Spend.amount(10),
                      Duration.ofMinutes(1),
                      IdempotencyKey.of("reserve-" + i))));
      assertThat(reserved).isInstanceOf(ReserveOutcome.Reserved.class);
    }
    assertThat(chassis.register(Guests.wat(Guests.ECHO), c -> c).ref()).isNotNull();
  }

  private static int fill(ToolRef tool, String tenant) {
    InvocationResult result =
        chassis.invoke(tool, "{}", new InvocationContext(tenant, "agent-1", "inv-" + tenant));
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    return result.output().length() - 2;
  }

  private static long usedMemory() {
    String info = Await.result(redis.send(Request.cmd(Command.INFO).arg("memory"))).toString();
    Matcher used = Pattern.compile("used_memory:(\\d+)").matcher(info);
    assertThat(used.find()).isTrue();
    return Long.parseLong(used.group(1));
  }
}
