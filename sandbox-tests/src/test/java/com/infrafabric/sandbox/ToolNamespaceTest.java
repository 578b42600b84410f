package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Versions of a tool share its key-value data only with versions the same publisher signed: a
 * second trusted publisher registering a version under the same name reads nothing of the first
 * one's data and writes beside it, while the first publisher's next version reads its data on.
 */
@Timeout(60)
class ToolNamespaceTest {

  private static final Publisher INTRUDER = Publisher.generate("intruder");

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> config.trustedPublishersJwks(Publisher.jwks(TestChassis.PUBLISHER, INTRUDER)),
          HostResolver.system());

  @Test
  void aVersionByAnotherPublisherCannotReadTheToolsDataAndTheOwnersNextVersionCan() {
    String name = "kv-owned";
    ToolRef first = register(name, "1.0.0", TestChassis.PUBLISHER);
    assertThat(HOST.invoke(first, "\"w-owners-data\"").outcome()).isEqualTo(Outcome.SUCCESS);

    ToolRef intruding = register(name, "1.0.1", INTRUDER);
    InvocationResult read = HOST.invoke(intruding, "\"r\"");
    assertThat(read.message()).isEqualTo("the tool returned status -2");
    assertThat(HOST.invoke(intruding, "\"l\"").output()).isEqualTo("[]");
    assertThat(HOST.invoke(intruding, "\"w-intruders-data\"").outcome()).isEqualTo(Outcome.SUCCESS);

    ToolRef next = register(name, "2.0.0", TestChassis.PUBLISHER);
    assertThat(HOST.invoke(next, "\"r\"").output()).isEqualTo("\"w-owners-data\"");
    assertThat(HOST.invoke(first, "\"r\"").output()).isEqualTo("\"w-owners-data\"");
    assertThat(HOST.invoke(intruding, "\"r\"").output()).isEqualTo("\"w-intruders-data\"");
  }

  private static ToolRef register(String name, String version, Publisher publisher) {
    byte[] module = Guests.fixture("kv.wat");
    String contract =
        Contracts.forModule(name, module).version(version).grantKv(1 << 16, 10).signedBy(publisher);
    return Await.result(HOST.chassis().register(module, contract)).ref();
  }
}
