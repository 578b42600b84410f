package com.infrafabric.chassis.llm;

import com.infrafabric.chassis.testing.FakeGovernor;
import com.infrafabric.wire.reservation.ReservationContract;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The chassis tests' {@link FakeGovernor} answers reservations as the real governor does: both run
 * the wire contract's one suite, so the fake the chassis is tested against cannot drift.
 */
class FakeGovernorContractTest extends ReservationContract {

  private static FakeGovernor governor;

  @BeforeAll
  static void start() {
    governor = FakeGovernor.start(0);
  }

  @AfterAll
  static void stop() {
    governor.close();
  }

  @Override
  protected Governor governorWithCap(long capMicros) {
    governor.reset(capMicros);
    return new Governor(URI.create(governor.url()), "agent-token", "acme", "any-model");
  }
}
