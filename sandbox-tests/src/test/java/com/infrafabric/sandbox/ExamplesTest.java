package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worked examples of host-api/README.md, registered and run as documented. */
@Timeout(60)
class ExamplesTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void theWatEchoExampleEchoes() {
    ToolRef echo = HOST.register(Guests.fixture("examples/wat/echo.wat"), c -> c).ref();
    assertThat(HOST.invoke(echo, "[\"a\",1]").output()).isEqualTo("[\"a\",1]");
  }

  @Test
  void theCWordCountExampleCountsAndKeepsARunningTotalPerTenant() {
    ToolRef words =
        HOST.register(
                Guests.fixture("examples/c/word_count.wasm"), c -> c.grant("log").grantKv(1024, 10))
            .ref();
    assertThat(HOST.invoke(words, "\"one two three\"").output())
        .isEqualTo("{\"words\":3,\"total\":3}");
    assertThat(HOST.invoke(words, "\"four five\"").output()).isEqualTo("{\"words\":2,\"total\":5}");
    InvocationContext other = new InvocationContext("tenant-z", "agent-2", "inv-2");
    assertThat(HOST.invoke(words, "\"six\"", other).output())
        .isEqualTo("{\"words\":1,\"total\":1}");
  }

  @Test
  void theCWordCountExampleLogsWhenItsInputIsTooLarge() {
    ToolRef words =
        HOST.register(
                Guests.fixture("examples/c/word_count.wasm"),
                c -> c.grant("log").grantKv(1024, 10).limit("memory", "maxPages", 8))
            .ref();
    InvocationResult result = HOST.invoke(words, "\"" + "w ".repeat(9000) + "\"");
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.logs())
        .extracting(GuestLog::message)
        .containsExactly("input larger than 16 KiB");
  }

  @Test
  void theWatHttpFetchExampleLinksAndIsHeldToItsAllowList() {
    ToolRef fetch =
        HOST.register(
                Guests.fixture("examples/wat/http_fetch.wat"),
                c -> c.grantHttp(List.of("https://api.example.com:443"), 1, 1000, 4096))
            .ref();
    InvocationResult result = HOST.invoke(fetch, "{\"url\":\"https://example.org/\"}");
    assertThat(result.message()).isEqualTo("the tool returned status -5");
  }
}
