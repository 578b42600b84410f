package com.infrafabric.governor.gateway;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a settlement is retried, and when it gives up: while the store is unreachable, until
 * {@link Settlement#EXPIRY_MARGIN} before the reservation's expiry, and not at all once the store
 * answered. A commit given up is an ERROR, as the call the provider answered is then charged its
 * worst case by the reservation's expiry rather than what it used.
 */
@Timeout(60)
class SettlementTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final CallAttribution WHO = new CallAttribution("", "fake", 1, "ok");
  private static final TokenUsage USAGE = new TokenUsage(7, 0, 5);

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /**
   * The store down, and the clock fixed 120 ms before the last attempt: attempts at 0, 50 and 150
   * ms of backoff; the next, 200 ms later, would be past it, so the commit is given up after three.
   */
  @Test
  void aCommitIsRetriedWhileTheStoreIsDownUntilShortlyBeforeTheExpiryThenLoggedAsNotCharged() {
    String scope = freshTenant("settle") + "/agents";
    rig.budget(scope, Window.DAY, 1_000_000);
    Reserved reserved = rig.reserved(scope, 10_000);
    Reserved expiring =
        new Reserved(
            reserved.id(),
            reserved.amountMicros(),
            reserved.pricingVersion(),
            rig.clock.instant().plus(Settlement.EXPIRY_MARGIN).plusMillis(120),
            List.of(),
            false);

    REDIS.killHard();
    try (LogCapture logs = LogCapture.start()) {
      Optional<?> committed =
          Await.result(settlement(expiring).commit("gpt-test", USAGE, WHO), Duration.ofSeconds(30));

      assertThat(committed).isEmpty();
      assertThat(errors(logs))
          .singleElement()
          .asString()
          .contains("is NOT committed", "charges the call its worst case")
          .contains("3 times")
          .contains(USAGE.toString());
    } finally {
      REDIS.restart();
    }
  }

  /** A failure the store answered (the reservation is unknown) is not retried. */
  @Test
  void aCommitTheStoreRefusedIsNotRetried() {
    String tenant = freshTenant("settle");
    Reserved unknown =
        new Reserved(
            ReservationId.generate(tenant),
            10_000,
            0,
            rig.clock.instant().plus(Duration.ofMinutes(5)),
            List.of(),
            false);

    try (LogCapture logs = LogCapture.start()) {
      Optional<?> committed =
          Await.result(settlement(unknown).commit("gpt-test", USAGE, WHO), Duration.ofSeconds(30));

      assertThat(committed).isEmpty();
      assertThat(errors(logs)).singleElement().asString().contains("it is not retried");
      assertThat(logs.text()).doesNotContain("retried in");
    }
  }

  private static Settlement settlement(Reserved reserved) {
    MeteredCalls calls =
        new MeteredCalls(
            rig.vertx, rig.engine, null, null, null, null, Optional.empty(), null, rig.clock);
    Scope scope = Scope.parse(reserved.id().tenant() + "/agents");
    return new Settlement(
        calls, reserved, scope, UUID.randomUUID().toString(), IdempotencyKey.of("k"), used -> {});
  }

  /**
   * The settlement's own errors: the Redis client's connection also logs its own as the server is
   * killed (an assertion of its RedisStandaloneConnection.end under -ea, a closed channel), which
   * say nothing of whether the call was charged.
   */
  private static List<String> errors(LogCapture logs) {
    return logs.events().stream()
        .filter(event -> event.getLevel() == Level.ERROR)
        .filter(event -> event.getLoggerName().equals(Settlement.class.getName()))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
