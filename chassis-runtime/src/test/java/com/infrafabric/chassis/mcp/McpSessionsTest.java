package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions in Redis at an agent's maximum: a new one ends the least recently used idle session in
 * the same step, never one a running call or an open stream holds, and is refused only while every
 * session is held; a hold whose node stopped renewing it lapses with its lease.
 */
@Timeout(30)
class McpSessionsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final int MAX = 3;
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final String VERSION = "2025-11-25";

  private final MutableClock clock = MutableClock.at("2026-12-07T00:00:00Z");
  private Vertx vertx;
  private McpSessions sessions;
  private McpSessions.Owner owner;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    RedisStore redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint())
                .withCommandTimeout(ChassisServiceRig.COMMAND_TIMEOUT),
            new SimpleMeterRegistry());
    McpSettings defaults = McpSettings.defaults();
    McpSettings settings =
        new McpSettings(
            defaults.sessionIdleTimeout(),
            MAX,
            defaults.sessionRecheck(),
            defaults.pageSize(),
            defaults.toolsPollInterval(),
            defaults.maxStreams(),
            Optional.empty(),
            List.of());
    sessions = new McpSessions(redis, clock, settings, LEASE);
    owner = new McpSessions.Owner("acme", "agent-" + UUID.randomUUID(), "acme");
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  /**
   * Regression: at its maximum an agent's initialize was refused until a session expired (30
   * minutes), and an ordinary client ends no session (the official TypeScript SDK's close() sends
   * no DELETE), so eight connect, list, close cycles locked its agent out. The least recently used
   * idle session is now ended to make room.
   */
  @Test
  void regressionAtTheMaximumANewSessionEndsTheLeastRecentlyUsedIdleOne() {
    List<String> ids = openMax();
    clock.advance(Duration.ofSeconds(5));
    assertThat(touch(ids.get(0))).isTrue(); // the first is now the most recently used

    McpSessions.Opening.Opened opened = opened(open());
    assertThat(opened.ended()).containsExactly(ids.get(1));
    assertThat(touch(ids.get(1))).isFalse();
    assertThat(touch(ids.get(0))).isTrue();
    assertThat(touch(opened.id())).isTrue();
  }

  @Test
  void aSessionARunningCallOrAnOpenStreamHoldsIsNeverEndedToMakeRoom() {
    List<String> ids = openMax();
    assertThat(hold(ids.get(0))).isTrue();
    assertThat(hold(ids.get(1))).isTrue();

    assertThat(opened(open()).ended()).containsExactly(ids.get(2));
  }

  @Test
  void whenEverySessionIsHeldANewOneIsRefusedUntilTheSoonestHoldLapses() {
    List<String> ids = openMax();
    for (String id : ids) {
      assertThat(hold(id)).isTrue();
      clock.advance(Duration.ofSeconds(1));
    }

    McpSessions.Opening refused = Await.result(sessions.open(owner, VERSION));
    Instant firstLapse = clock.instant().minusSeconds(MAX).plus(LEASE);
    assertThat(refused).isEqualTo(new McpSessions.Opening.Full(firstLapse));
    ids.forEach(id -> assertThat(touch(id)).as("nothing was ended").isTrue());

    clock.set(firstLapse); // the first hold's node stopped renewing it; the others still hold
    assertThat(opened(open()).ended()).containsExactly(ids.get(0));
  }

  @Test
  void aReleasedHoldNoLongerKeepsItsSession() {
    List<String> ids = openMax();
    List<McpSessions.Hold> holds = ids.stream().map(id -> sessions.newHold(owner, id)).toList();
    holds.forEach(hold -> assertThat(Await.result(sessions.hold(hold))).isTrue());
    Await.result(sessions.release(holds.get(1)));

    assertThat(opened(open()).ended()).containsExactly(ids.get(1));
  }

  @Test
  void aSessionThatEndedCannotBeHeld() {
    String id = opened(open()).id();
    assertThat(Await.result(sessions.close(owner, id))).isTrue();
    assertThat(hold(id)).isFalse();
    assertThat(hold("never-given." + VERSION)).isFalse();
  }

  private List<String> openMax() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < MAX; i++) {
      McpSessions.Opening.Opened opened = opened(open());
      assertThat(opened.ended()).isEmpty();
      ids.add(opened.id());
      clock.advance(Duration.ofSeconds(1));
    }
    return ids;
  }

  private McpSessions.Opening open() {
    return Await.result(sessions.open(owner, VERSION));
  }

  private static McpSessions.Opening.Opened opened(McpSessions.Opening opening) {
    assertThat(opening).isInstanceOf(McpSessions.Opening.Opened.class);
    return (McpSessions.Opening.Opened) opening;
  }

  private boolean hold(String id) {
    return Await.result(sessions.hold(sessions.newHold(owner, id)));
  }

  /** Asks Redis, past the node's memory of sessions it saw live. */
  private boolean touch(String id) {
    clock.advance(McpSettings.defaults().sessionRecheck());
    return Await.result(sessions.touch(owner, id));
  }
}
