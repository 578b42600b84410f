package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant that publishes many tools, each filling its own namespace within its contract's quota,
 * stops at the tenant's share of the key-value store; another tenant's tools still write.
 */
@Timeout(120)
class TenantKvShareTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** Five of kv-fill's 256 KiB values (about 350 KB each as Redis holds them). */
  private static final long TENANT_MAX_BYTES = 2L << 20;

  private static TestChassis chassis;
  private static final List<ToolRef> FILLERS = new ArrayList<>();

  @BeforeAll
  static void start() {
    chassis =
        TestChassis.start(
            REDIS.endpoint(), c -> c.kvTenantMaxBytes(TENANT_MAX_BYTES), HostResolver.system());
    for (int i = 0; i < 3; i++) {
      String name = "fill-" + i;
      FILLERS.add(
          chassis
              .register(
                  Guests.fixture("kv-fill.wat"),
                  c ->
                      c.put("name", name)
                          .grantKv(16L << 20, 100)
                          .limit("memory", "maxPages", 5)
                          .limit("timeoutMs", null, 30_000)
                          .limit("cpuTimeMs", null, 10_000))
              .ref());
    }
  }

  @AfterAll
  static void stop() {
    chassis.close();
  }

  @Test
  void aTenantsToolsTogetherStopAtItsShareAndAnotherTenantStillWrites() {
    List<Integer> stored = FILLERS.stream().map(tool -> fill(tool, "hoarder")).toList();
    assertThat(stored).as("values each tool stored, in turn").containsExactly(5, 0, 0);
    assertThat(fill(FILLERS.get(1), "neighbour")).isEqualTo(5);
  }

  private static int fill(ToolRef tool, String tenant) {
    InvocationResult result =
        chassis.invoke(tool, "{}", new InvocationContext(tenant, "agent-1", "inv-" + tenant));
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    return result.output().length() - 2;
  }
}
