package com.infrafabric.governor.registry;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pages of a tenant's agents: full, in id order, whatever was removed. */
@Timeout(60)
class AgentListingTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static String tenantWith(List<String> live, List<String> removed) {
    String t = freshTenant("listing");
    for (String id : removed) {
      rig.register(contract(t, id, Map.of("python", 1), 100, 1));
      Await.result(rig.registry.remove(t, id, GovernorRig.ADMIN));
    }
    for (String id : live) {
      rig.register(contract(t, id, Map.of("python", 1), 100, 1));
    }
    return t;
  }

  /** Every page, following the cursor, as the ids it held. */
  private static List<List<String>> pages(String tenant, int limit) {
    List<List<String>> pages = new ArrayList<>();
    String cursor = null;
    do {
      AgentPage page = Await.result(rig.registry.list(tenant, cursor, limit));
      pages.add(page.agents().stream().map(Agent::id).toList());
      cursor = page.nextCursor().orElse(null);
    } while (cursor != null);
    return pages;
  }

  private static Response send(Request request) {
    return Await.result(rig.governor.redis.send(request));
  }

  /**
   * Regression: the page was cut from every agent ever registered and removed ones were dropped
   * after the cut, so {@code limit=3} gave 2 agents and the next page none while agents remained.
   */
  @Test
  void everyPageHoldsLimitLiveAgentsWhateverWasRemoved() {
    String t = tenantWith(List.of("a", "d", "e", "g", "h"), List.of("b", "c", "f"));

    assertThat(pages(t, 3)).containsExactly(List.of("a", "d", "e"), List.of("g", "h"));
    assertThat(pages(t, 2)).containsExactly(List.of("a", "d"), List.of("e", "g"), List.of("h"));
  }

  /**
   * Agents an older layout registered, before the id index was kept, are listed (once the index is
   * built from the version hash), and removed ones are not.
   */
  @Test
  void agentsRegisteredBeforeTheIdIndexAreListed() {
    String t = tenantWith(List.of("a", "c"), List.of("b"));
    String prefix = TenantKeyNames.of(t).prefix();
    send(Request.cmd(Command.DEL).arg(prefix + "ids").arg(prefix + "ids:built"));

    assertThat(pages(t, 10)).containsExactly(List.of("a", "c"));
    assertThat(send(Request.cmd(Command.ZCARD).arg(prefix + "ids")).toInteger()).isEqualTo(2);

    AgentContract b = contract(t, "b", Map.of("python", 1), 100, 1);
    rig.register(
        new AgentContract("b", t, b.capabilities(), b.model(), 100, 1, b.slo(), b.version() + 1));
    assertThat(pages(t, 10)).containsExactly(List.of("a", "b", "c"));
  }
}
