package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every malformed or impossible request gets a stable code, and nothing changes. */
@Timeout(60)
class BadInputTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;
  private static String tenant;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    tenant = freshTenant("bad");
    rig.budget(tenant, Window.LIFETIME, 1_000);
  }

  @AfterAll
  static void stop() {
    assertThat(rig.ledger(tenant)).as("no bad request may leave a trace").isEmpty();
    assertThat(rig.usage(tenant, Window.LIFETIME).reservedMicros()).isZero();
    rig.close();
  }

  private static void assertRejected(ErrorCode code, String message, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(GovernorException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(message);
  }

  private static ReserveRequest request(String scope, Spend spend) {
    return new ReserveRequest(Scope.parse(scope), spend, null, GovernorRig.newKey());
  }

  @Test
  void aScopeWithoutAnyBudgetOnItsPathIsUnknown() {
    assertRejected(
        ErrorCode.SCOPE_UNKNOWN, "no budget is defined", () -> rig.reserve("nobody-here/p", 1));
    String otherTenantNoBudgetOnPath = freshTenant("empty");
    rig.budget(otherTenantNoBudgetOnPath + "/a", Window.LIFETIME, 10);
    assertRejected(
        ErrorCode.SCOPE_UNKNOWN,
        "no budget",
        () -> rig.reserve(otherTenantNoBudgetOnPath + "/b", 1));
  }

  @Test
  void negativeAndOverflowingAmountsAreRefused() {
    assertRejected(ErrorCode.INVALID_AMOUNT, "amount_micros -1 is outside", () -> Spend.amount(-1));
    assertRejected(
        ErrorCode.INVALID_AMOUNT,
        "amount_micros 9007199254740992 is outside 0..9007199254740991",
        () -> Spend.amount(Money.MAX_MICROS + 1));
    assertRejected(
        ErrorCode.INVALID_AMOUNT,
        "output_tokens 1000000001 is outside",
        () -> new TokenUsage(0, 0, TokenUsage.MAX_TOKENS + 1));
    assertRejected(ErrorCode.INVALID_AMOUNT, "cap_micros -5", () -> Limit.of(-5));
  }

  @Test
  void anUnknownModelIsRefusedBeforeAnythingIsReserved() {
    assertRejected(
        ErrorCode.MODEL_UNKNOWN,
        "model 'gpt-nonexistent' is not in pricing catalogue",
        () ->
            Await.result(
                rig.engine.reserve(
                    request(tenant + "/p", Spend.estimate("gpt-nonexistent", 10, 10)))));
  }

  @Test
  void malformedScopesKeysAndIdsAreRefused() {
    assertRejected(
        ErrorCode.INVALID_SCOPE, "must have 1 to 5 segments", () -> Scope.parse("a/b/c/d/e/f"));
    assertRejected(ErrorCode.INVALID_SCOPE, "segment ''", () -> Scope.parse("a//b"));
    assertRejected(ErrorCode.INVALID_SCOPE, "segment '{x}'", () -> Scope.parse("{x}/b"));
    assertRejected(ErrorCode.INVALID_SCOPE, "segment 'a b?'", () -> Scope.parse("a b\n"));
    assertRejected(
        ErrorCode.INVALID_IDEMPOTENCY_KEY, "1-128 characters", () -> IdempotencyKey.of(""));
    assertRejected(
        ErrorCode.INVALID_IDEMPOTENCY_KEY, "1-128", () -> IdempotencyKey.of("x".repeat(129)));
    assertRejected(ErrorCode.INVALID_IDEMPOTENCY_KEY, "1-128", () -> IdempotencyKey.of("a b"));
    assertRejected(
        ErrorCode.INVALID_REQUEST, "reservation id", () -> ReservationId.parse("nonsense"));
    assertRejected(
        ErrorCode.INVALID_REQUEST, "reservation id", () -> ReservationId.parse("t:r123"));
  }

  @Test
  void aTtlOutsideTheAllowedRangeIsRefused() {
    assertRejected(
        ErrorCode.INVALID_REQUEST,
        "ttl_seconds of 0.5 is outside 1..86400",
        () ->
            rig.engine.reserve(
                new ReserveRequest(
                    Scope.parse(tenant + "/p"),
                    Spend.amount(1),
                    Duration.ofMillis(500),
                    GovernorRig.newKey())));
    assertRejected(
        ErrorCode.INVALID_REQUEST,
        "ttl_seconds of 90000 is outside 1..86400",
        () ->
            rig.engine.reserve(
                new ReserveRequest(
                    Scope.parse(tenant + "/p"),
                    Spend.amount(1),
                    Duration.ofHours(25),
                    GovernorRig.newKey())));
  }

  @Test
  void aReservationThatDoesNotExistIsNotFound() {
    ReservationId ghost = ReservationId.parse(tenant + ":r" + "0".repeat(32));
    assertRejected(ErrorCode.RESERVATION_NOT_FOUND, "does not exist", () -> rig.commit(ghost, 1));
    assertRejected(ErrorCode.RESERVATION_NOT_FOUND, "does not exist", () -> rig.release(ghost));
  }

  @Test
  void invalidThresholdsAndZonesAreRefused() {
    assertRejected(
        ErrorCode.INVALID_BUDGET, "threshold 100% is outside 1..99", () -> Limit.of(10, 100));
    assertRejected(
        ErrorCode.INVALID_BUDGET,
        "strictly ascending, 50% follows 80%",
        () -> Limit.of(10, 80, 50));
    assertRejected(
        ErrorCode.INVALID_BUDGET,
        "zone 'Mars/Olympus' is not a known time zone",
        () -> rig.budgets.setZone(tenant, "Mars/Olympus", GovernorRig.ADMIN));
  }
}
