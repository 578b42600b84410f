package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.internal.sandbox.JsonValues.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What may be embedded in an answer as the tool wrote it: one JSON text, not too deep. */
class JsonValuesTest {

  @Test
  void oneValueOfAnyTypeIsASingleValue() {
    for (String json : new String[] {"{}", " [1, \"a\", null] ", "\"text\"", "42", "true"}) {
      assertThat(JsonValues.check(json)).as(json).isEqualTo(Verdict.SINGLE_VALUE);
    }
  }

  @Test
  void nothingTwoValuesAndNonJsonAreNot() {
    for (String json : new String[] {"", "  ", "{} {}", "{'a':1}", "[1,]", "NaN", "{\"a\":1"}) {
      assertThat(JsonValues.check(json)).as(json).isEqualTo(Verdict.NOT_A_SINGLE_VALUE);
    }
  }

  @Test
  void nestingIsBoundedAtOneHundredTwentyEightLevels() {
    assertThat(JsonValues.check("[".repeat(128) + "]".repeat(128))).isEqualTo(Verdict.SINGLE_VALUE);
    assertThat(JsonValues.check("[".repeat(129) + "]".repeat(129))).isEqualTo(Verdict.TOO_DEEP);
    assertThat(JsonValues.check("{\"a\":".repeat(200) + "1" + "}".repeat(200)))
        .isEqualTo(Verdict.TOO_DEEP);
  }

  @Test
  void regressionTextInAnotherEncodingOrWithAByteOrderMarkIsNotJson() {
    // A byte parser would detect UTF-16 and skip a byte order mark; the answer embeds UTF-8 text.
    String utf16 = new String("[]".getBytes(StandardCharsets.UTF_16LE), StandardCharsets.UTF_8);
    assertThat(JsonValues.check(utf16)).isEqualTo(Verdict.NOT_A_SINGLE_VALUE);
    assertThat(JsonValues.check("\uFEFF{}")).isEqualTo(Verdict.NOT_A_SINGLE_VALUE);
  }

  /** As strict as requests are read: what the services refuse in a body is refused in an output. */
  @Test
  void jsonAStrictReaderRefusesIsNotASingleValue() {
    for (String json :
        List.of(
            "{\"a\":1,\"a\":2}",
            "[{\"b\":{\"c\":1,\"c\":1}}]",
            "\"\\ud800\"",
            "{\"\\udc00\":1}",
            "1e2147483648",
            "[0.5e-2147483649]",
            "{\"n\":1e60000}",
            "[1e1001]",
            "[1e-1001]",
            "[0e1001]",
            "[15e1000]")) {
      assertThat(JsonValues.check(json)).as(json).isEqualTo(Verdict.NOT_A_SINGLE_VALUE);
    }
    assertThat(JsonValues.check("[\"\\ud83d\\ude00\", 1e1000, 1e-1000, 9.5e999, {\"a\":1}]"))
        .isEqualTo(Verdict.SINGLE_VALUE);
  }

  @Test
  void problemsAreSentences() {
    assertThat(JsonValues.problem("the input", Verdict.TOO_DEEP))
        .isEqualTo("the input nests arrays and objects deeper than 128 levels");
    assertThat(JsonValues.problem("the tool's output", Verdict.NOT_A_SINGLE_VALUE))
        .isEqualTo("the tool's output is not a single JSON value");
  }
}
