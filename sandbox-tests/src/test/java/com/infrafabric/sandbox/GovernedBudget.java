package com.infrafabric.sandbox;

import com.infrafabric.chassis.llm.GovernorHttpBudget;
import com.infrafabric.chassis.testing.FakeGovernor;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;

/**
 * A fake governor's reservations API on loopback and the chassis's budget port speaking to it:
 * where guests' LLM calls reserve their cost. Close it after the host that uses it.
 *
 * @param governor the fake governor, to reset and inspect
 * @param port the budget port the chassis is built with
 * @param vertx the Vert.x the port runs on
 */
record GovernedBudget(FakeGovernor governor, GovernorHttpBudget port, Vertx vertx)
    implements AutoCloseable {

  static GovernedBudget start(long capMicros) {
    FakeGovernor governor = FakeGovernor.start(capMicros);
    Vertx vertx = Vertx.vertx();
    return new GovernedBudget(
        governor,
        GovernorHttpBudget.create(
            vertx, URI.create(governor.url()), () -> "agent-token", Duration.ofSeconds(5)),
        vertx);
  }

  @Override
  public void close() {
    port.close();
    vertx.close().await();
    governor.close();
  }
}
