package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tools invoke --input} is one JSON value, and the output is printed as JSON. Regression:
 * the input was always sent as a JSON string, so {@code --input '{"n":7}'} failed a tool whose
 * schema asks for an object, and an output string was printed unquoted, like {@code null}. What
 * reaches the tool is checked against a real chassis in {@code ClientCommandsTest}.
 */
@Timeout(60)
class ToolInputTest {

  @RegisterExtension final FakeServiceCli fake = FakeServiceCli.recording("Content-Type");

  @Test
  void inputThatIsNotExactlyOneJsonValueIsAUsageErrorAndNothingIsSent() {
    for (String input : List.of("hello", "{\"n\":7", "1 2", "", "{'n':7}", "{\"n\":1,\"n\":2}")) {
      assertThat(invoke("--input", input)).as(input).isEqualTo(2);
      assertThat(fake.cli().stderr()).contains("--input is not one JSON value", "--input-text");
    }
    assertThat(invoke("--input", "1", "--input-text", "a")).isEqualTo(2);
    assertThat(fake.cli().stderr()).contains("give --input or --input-text, not both");
    assertThat(invoke()).isEqualTo(2);
    assertThat(fake.cli().stderr()).contains("missing --input");

    assertThat(fake.server().recorded()).isEmpty();
  }

  @Test
  void outputIsPrintedAsJsonSoAStringIsQuotedAndNullIsNot() {
    assertThat(printed("\"null\"")).isEqualTo("SUCCESS \"null\"");
    assertThat(printed("null")).isEqualTo("SUCCESS null");
    assertThat(printed("{\"a\":[1,\"b\"]}")).isEqualTo("SUCCESS {\"a\":[1,\"b\"]}");
  }

  private String printed(String output) {
    fake.server()
        .answering(
            200,
            "application/json",
            "{\"outcome\":\"SUCCESS\",\"output\":" + output + ",\"message\":\"\"}");
    assertThat(invoke("--input", "{\"n\":7}")).as(fake.cli().stderr()).isZero();
    return fake.cli().stdout().strip();
  }

  private int invoke(String... input) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tools",
                "invoke",
                "echo",
                "1.0.0",
                "--url",
                fake.server().url(),
                "--token",
                FakeServiceCli.TOKEN));
    args.addAll(List.of(input));
    return fake.cli().run(args.toArray(String[]::new));
  }
}
