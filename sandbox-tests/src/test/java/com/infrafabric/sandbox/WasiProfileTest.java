package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plain WASI commands get stdin and stdout, and no file system or environment to escape into. */
class WasiProfileTest extends EscapeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @BeforeAll
  static void start() {
    host = TestChassis.start(REDIS.endpoint(), EscapeTest::testSandbox, HostResolver.system());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void aWasiCommandSeesNoFilesNoEnvironmentAndOnlyItsStdio() {
    ToolRef wasi = host.register(Guests.fixture("wasi-echo.wat"), c -> c.grant("wasi")).ref();
    InvocationResult result = host.invoke(wasi, "{\"via\":\"stdin\"}");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("{\"via\":\"stdin\"}");
  }
}
