package com.infrafabric.governor.http;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.wire.reservation.ReservationContract;
import java.net.URI;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real governor, on a real redis-server, answers the chassis's reservation requests as the wire
 * contract says; the chassis's {@code FakeGovernor} runs the same suite.
 */
class ReservationContractTest extends ReservationContract {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @Override
  protected Governor governorWithCap(long capMicros) {
    String tenant = GovernorRig.freshTenant("wire");
    rig.budget(tenant, "lifetime", capMicros);
    return new Governor(
        URI.create("http://127.0.0.1:" + rig.service.port()),
        rig.agent(tenant),
        tenant,
        GovernorRig.GPT_TEST.model());
  }
}
