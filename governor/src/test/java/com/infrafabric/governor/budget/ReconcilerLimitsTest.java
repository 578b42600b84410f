package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reconciliation reads a tenant's whole ledger, so what callers may ask of one node is bounded:
 * asking again for a tenant under way joins its run, and past {@link Reconciler#MAX_RUNNING}
 * tenants at once the next is refused at once, never queued.
 */
@Timeout(60)
class ReconcilerLimitsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void callersOfOneTenantShareARunAndTenantsPastTheBoundAreRefusedAtOnce() {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i <= Reconciler.MAX_RUNNING; i++) {
      String tenant = freshTenant("reconcile");
      rig.budget(tenant, Window.DAY, 1_000_000);
      rig.reserved(tenant + "/p", 100);
      tenants.add(tenant);
    }

    // Asked in one go on an event loop, before any run has had a reply from Redis.
    Promise<List<Future<ReconciliationReport>>> asked = Promise.promise();
    rig.vertx
        .getOrCreateContext()
        .runOnContext(
            on -> {
              List<Future<ReconciliationReport>> runs = new ArrayList<>();
              for (String tenant : tenants) {
                runs.add(rig.reconciler.reconcile(tenant));
              }
              runs.add(rig.reconciler.reconcile(tenants.get(0)));
              asked.complete(runs);
            });
    List<Future<ReconciliationReport>> first = Await.result(asked.future());
    Future<ReconciliationReport> again = first.remove(first.size() - 1);

    assertThat(again).isSameAs(first.get(0));
    Future<ReconciliationReport> refused = first.get(Reconciler.MAX_RUNNING);
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
              assertThat(e.retryAfter()).isPresent();
            });
    for (int i = 0; i < Reconciler.MAX_RUNNING; i++) {
      assertThat(Await.result(first.get(i)).consistent()).isTrue();
    }
    assertThat(
            Await.result(rig.reconciler.reconcile(tenants.get(Reconciler.MAX_RUNNING)))
                .consistent())
        .as("once the runs ended, the refused tenant's is served")
        .isTrue();
  }
}
