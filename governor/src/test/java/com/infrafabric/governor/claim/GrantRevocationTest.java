package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ReservationSweeper;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.wire.grant.GrantRevocation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a lease ends writes the revocation the chassis checks before it lets a grant of that
 * lease run a tool (the key {@link GrantRevocation} names), in the same script that ends the lease;
 * a live lease has none, and the revocation outlives every grant of the lease.
 */
@Timeout(60)
class GrantRevocationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;
  private static ReservationSweeper sweeper;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
    sweeper =
        new ReservationSweeper(
            rig.governor.redis,
            100,
            t -> rig.claims.expireDue(t, 100),
            "leases",
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aLiveLeaseAndOneKeptByHeartbeatsAreNotRevoked() {
    Claimed claim = claimOne(freshTenant("live"));
    assertThat(revocation(claim)).isEmpty();
    rig.clock.advance(Duration.ofSeconds(50));
    rig.heartbeat(claim);
    assertThat(revocation(claim)).isEmpty();
  }

  @Test
  void finishingRevokesWhateverTheOutcome() {
    for (TaskOutcome outcome : TaskOutcome.values()) {
      Claimed claim = claimOne(freshTenant("finish"));
      rig.finish(claim, outcome, 1_000);
      assertThat(revocation(claim)).as(outcome.name()).contains(outcome.wireName());
    }
  }

  @Test
  void expiryRevokesThroughTheSweeperAndOnTheWayOfAnotherClaim() {
    Claimed swept = claimOne(freshTenant("swept"));
    rig.clock.advance(Duration.ofSeconds(61));
    for (int pass = 0; pass < 10 && revocation(swept).isEmpty(); pass++) {
      Await.result(sweeper.sweepOnce());
    }
    assertThat(revocation(swept)).contains("expired");

    String t = freshTenant("lazy");
    Claimed lazy = claimOne(t);
    rig.clock.advance(Duration.ofSeconds(61));
    rig.claimed(task("t2", t + "/p", Map.of("go", 1), 10_000));
    assertThat(revocation(lazy)).contains("expired");
  }

  @Test
  void theRevocationOutlivesTheLeaseByTheLargestClockSkewAVerifierAllows() {
    Claimed claim = claimOne(freshTenant("ttl"));
    rig.finish(claim, TaskOutcome.ABANDONED, 0);
    long ttl =
        Await.result(rig.governor.redis.send(Request.cmd(Command.PTTL).arg(key(claim)))).toLong();
    Duration leaseLeft = Duration.between(rig.clock.instant(), claim.expiresAt());
    assertThat(ttl)
        .isGreaterThan(leaseLeft.plusMinutes(4).toMillis())
        .isLessThanOrEqualTo(leaseLeft.plusMinutes(5).toMillis());
  }

  private static Claimed claimOne(String t) {
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 4_000, 1));
    return rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000));
  }

  private static String key(Claimed claim) {
    return GrantRevocation.key(claim.lease().tenant(), claim.lease().toString());
  }

  private static Optional<String> revocation(Claimed claim) {
    Response value =
        Await.result(rig.governor.redis.send(Request.cmd(Command.GET).arg(key(claim))));
    return Optional.ofNullable(value).map(Response::toString);
  }
}
