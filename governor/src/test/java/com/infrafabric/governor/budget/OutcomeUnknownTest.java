package com.infrafabric.governor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A charge whose script reached a Redis that then stalled (SIGSTOP) before answering: the caller is
 * told the outcome is unknown, the charge did happen once Redis ran, and a retry with the same
 * idempotency key returns the original charge without charging again.
 */
@Timeout(60)
class OutcomeUnknownTest {

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
  void aChargeSentToAStalledRedisIsOutcomeUnknownAndItsRetryChargesOnce() {
    String t = GovernorRig.freshTenant("unknown");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    rig.charge(t + "/p", 1); // a pooled connection is open, so the next charge is sent at once
    IdempotencyKey key = GovernorRig.newKey();
    ChargeRequest charge = new ChargeRequest(Scope.parse(t + "/p"), Spend.amount(700), key);

    REDIS.stall();
    RedisUnavailableException unknown;
    try {
      unknown = failure(rig.engine.charge(charge));
    } finally {
      REDIS.resume();
    }
    assertThat(unknown.outcomeUnknown()).as(unknown.getMessage()).isTrue();

    ChargeResult retried = awaitAnswer(charge);
    assertThat(retried.replayed())
        .as("the stalled charge ran once Redis did; the retry finds its stored result")
        .isTrue();
    assertThat(retried.amountMicros()).isEqualTo(700);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(701);
    assertThat(rig.ledger(t)).hasSize(2);
  }

  /** Retries {@code charge} with its key until Redis answers (the store probes its way back). */
  private static ChargeResult awaitAnswer(ChargeRequest charge) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return Await.result(rig.engine.charge(charge));
      } catch (RedisUnavailableException stillDown) {
        if (System.nanoTime() > deadline) {
          throw stillDown;
        }
      }
    }
  }

  private static RedisUnavailableException failure(io.vertx.core.Future<?> command) {
    try {
      Await.result(command);
    } catch (RedisUnavailableException e) {
      return e;
    }
    throw new AssertionError("the charge succeeded against a stalled Redis");
  }
}
