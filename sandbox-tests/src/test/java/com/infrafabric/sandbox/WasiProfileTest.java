package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plain WASI commands get stdin and stdout, and no file system or environment to escape into. */
@Timeout(60)
class WasiProfileTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void aWasiCommandSeesNoFilesNoEnvironmentAndOnlyItsStdio() {
    ToolRef wasi = HOST.register(Guests.fixture("wasi-echo.wat"), c -> c.grant("wasi")).ref();
    InvocationResult result = HOST.invoke(wasi, "{\"via\":\"stdin\"}");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("{\"via\":\"stdin\"}");
  }
}
