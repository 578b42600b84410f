package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.ExecutionReport;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolResultsTest {

  private static final ToolRef REF = new ToolRef("tool", "1.0.0");

  private static JsonObject failed(String output) {
    InvocationResult result =
        new InvocationResult(
            Outcome.INVALID_OUTPUT,
            output,
            "not JSON",
            ExecutionReport.notRun(Duration.ZERO, 0),
            List.of());
    return ((JsonRpc.Reply.Result) ToolResults.reply(REF, result, "inv-1")).result();
  }

  /**
   * A failed tool's output is shown to the model cut to a bound in rendered bytes: control bytes,
   * six bytes each once escaped, cannot grow the answer past it (the probe got 25 MB for 4 MiB).
   */
  @Test
  void aFailedToolsOutputIsCutToItsBoundAsRendered() {
    JsonObject answer = failed("\u0000".repeat(4 << 20));

    assertThat(answer.encode().length())
        .isLessThan(ToolResults.FAILED_OUTPUT_MAX_BYTES + 1024)
        .isGreaterThan(ToolResults.FAILED_OUTPUT_MAX_BYTES);
    JsonArray content = answer.getJsonArray("content");
    assertThat(content.getJsonObject(1).getString("text")).endsWith("\u2026");
  }

  /** Structured content carries the output's numbers exactly, as its text does. */
  @Test
  void structuredContentKeepsEveryNumberExact() {
    String output = "{\"a\":1e999,\"b\":0.1000000000000000055511151231257827,\"c\":-1e400}";
    InvocationResult result =
        new InvocationResult(
            Outcome.SUCCESS, output, "", ExecutionReport.notRun(Duration.ZERO, 0), List.of());
    JsonObject answer = ((JsonRpc.Reply.Result) ToolResults.reply(REF, result, "inv-1")).result();

    JsonObject structured = answer.getJsonObject("structuredContent");
    assertThat(new BigDecimal(structured.getValue("a").toString())).isEqualByComparingTo("1e999");
    assertThat(structured.getValue("b").toString())
        .isEqualTo("0.1000000000000000055511151231257827");
    assertThat(answer.encode()).doesNotContain("Infinity");
  }

  @Test
  void aShortOutputIsShownWhole() {
    JsonArray content = failed("partial {").getJsonArray("content");
    assertThat(content.getJsonObject(1).getString("text")).isEqualTo("partial {");
    assertThat(content.getJsonObject(0).getString("text")).isEqualTo("INVALID_OUTPUT: not JSON");
  }
}
