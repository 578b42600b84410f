package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolConflictException;
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
 * A tool's key-value data belongs to the publisher that owns its name: every version the publisher
 * signs shares it, whichever of its keys signed, and a second trusted publisher can neither sign a
 * version again nor add one, so it never reads or hides the owner's data.
 *
 * <p>Regression: a second publisher signing the owner's version again took it over (its tenants'
 * data vanished, and the intruder's next version read it), and a key rotation lost the data.
 */
@Timeout(60)
class ToolNamespaceTest {

  private static final Publisher INTRUDER = Publisher.generate("intruder");
  private static final Publisher ROTATED = TestChassis.PUBLISHER.rotated("test-publisher-2027");

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config.trustedPublishersJwks(
                  Publisher.jwks(TestChassis.PUBLISHER, ROTATED, INTRUDER)),
          HostResolver.system());

  @Test
  void anotherPublisherCannotReachTheToolsDataAndTheOwnersRotatedKeyKeepsIt() {
    String name = "kv-owned";
    ToolRef first = register(name, "1.0.0", TestChassis.PUBLISHER);
    assertThat(HOST.invoke(first, "\"w-owners-data\"").outcome()).isEqualTo(Outcome.SUCCESS);

    assertOwnedByAnother(() -> register(name, "1.0.0", INTRUDER));
    assertOwnedByAnother(() -> register(name, "2.0.0", INTRUDER));
    assertThat(HOST.invoke(first, "\"r\"").output()).isEqualTo("\"w-owners-data\"");

    assertThat(register(name, "1.0.0", ROTATED)).isEqualTo(first);
    assertThat(HOST.invoke(first, "\"r\"").output()).isEqualTo("\"w-owners-data\"");
    ToolRef next = register(name, "2.0.0", ROTATED);
    assertThat(HOST.invoke(next, "\"r\"").output()).isEqualTo("\"w-owners-data\"");
  }

  private static void assertOwnedByAnother(Runnable registration) {
    assertThatThrownBy(registration::run)
        .isInstanceOfSatisfying(
            ToolConflictException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_OWNED_BY_ANOTHER_PUBLISHER));
  }

  private static ToolRef register(String name, String version, Publisher publisher) {
    byte[] module = Guests.fixture("kv.wat");
    String contract =
        Contracts.forModule(name, module).version(version).grantKv(1 << 16, 10).signedBy(publisher);
    return Await.result(HOST.chassis().register(module, contract)).ref();
  }
}
