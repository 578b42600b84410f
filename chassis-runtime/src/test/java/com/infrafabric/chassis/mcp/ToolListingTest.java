package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The annotations {@code tools/list} derives from a tool's capabilities. */
class ToolListingTest {

  private static final byte[] ECHO = Guests.wat(Guests.ECHO);

  /**
   * Regression: a tool whose contract asks for {@code llm} was hinted read-only, which clients
   * approve without asking, although each call spends the caller's budget on a model.
   */
  @Test
  void aToolThatCallsAModelIsNotReadOnly() {
    JsonObject hints = annotations(Contracts.forModule("ask", ECHO).grantLlm(List.of("m"), 1, 10));

    assertThat(hints.getBoolean("readOnlyHint")).isFalse();
    assertThat(hints.getBoolean("openWorldHint")).isTrue();
  }

  @Test
  void onlyAToolWithoutKvHttpOrLlmIsReadOnly() {
    assertThat(annotations(Contracts.forModule("echo", ECHO)).getBoolean("readOnlyHint")).isTrue();
    assertThat(
            annotations(Contracts.forModule("kv", ECHO).grantKv(1024, 8))
                .getBoolean("readOnlyHint"))
        .isFalse();
  }

  private static JsonObject annotations(Contracts contract) {
    ToolInfo tool =
        new ToolInfo(
            new ToolRef("t", "1.0.0"),
            ModuleDigest.of(ECHO),
            ECHO.length,
            ContractJson.parse(contract.json()),
            "publisher",
            "key",
            Instant.EPOCH);
    return ToolListing.of(tool).getJsonObject("annotations");
  }
}
