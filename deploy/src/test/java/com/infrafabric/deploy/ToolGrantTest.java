package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tools invoke} sends the grant {@code claims claim} printed, as {@code mcp} does, so a tool
 * that uses an LLM or credentials can run from the command line. Regression: it had no {@code
 * --grant}, and such a tool always answered 403 GRANT_REQUIRED. Checked against a server that
 * records the grant header of every request.
 */
@Timeout(60)
class ToolGrantTest {

  private static final String TOKEN = jws("{\"sub\":\"agent\"}");
  private static final String GRANT = jws("{\"tools\":[\"research\"]}");

  @TempDir Path directory;
  private FakeService server;
  private CliRun cli;

  @BeforeEach
  void start() {
    server =
        FakeService.recording("X-InfraFabric-Grant")
            .answering(
                200,
                "application/json",
                "{\"outcome\":\"SUCCESS\",\"output\":{\"ok\":true},\"message\":\"\"}");
    cli = new CliRun(directory);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void invokeSendsTheGrantFromTheOptionOrTheFile() throws IOException {
    Path file = Files.writeString(directory.resolve("grant.jws"), GRANT + "\n");

    assertThat(invoke("--grant", GRANT)).as(cli.stderr()).isZero();
    assertThat(invoke("--grant-file", file.toString())).as(cli.stderr()).isZero();
    assertThat(invoke()).isZero();

    assertThat(server.recorded()).containsExactly(GRANT, GRANT, "null");
    assertThat(cli.stdout()).startsWith("SUCCESS {\"ok\":true}");
  }

  @Test
  void aGrantThatIsNotOneTokenOrTwoGrantsAreUsageErrorsAndNothingIsSent() throws IOException {
    Path notAGrant = Files.writeString(directory.resolve("notes.txt"), "a note, not a grant\n");

    assertThat(invoke("--grant-file", notAGrant.toString())).isEqualTo(2);
    assertThat(cli.stderr()).doesNotContain("a note");
    assertThat(invoke("--grant-file", directory.resolve("missing.jws").toString())).isEqualTo(2);
    assertThat(invoke("--grant", GRANT, "--grant-file", notAGrant.toString())).isEqualTo(2);
    assertThat(cli.stderr()).contains("give --grant or --grant-file, not both");

    assertThat(server.recorded()).isEmpty();
  }

  private int invoke(String... grant) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tools",
                "invoke",
                "research",
                "1.0.0",
                "--input-text",
                "x",
                "--url",
                server.url(),
                "--token",
                TOKEN));
    args.addAll(List.of(grant));
    return cli.run(args.toArray(String[]::new));
  }

  /** Shaped as a signed token; nothing here verifies it. */
  private static String jws(String claims) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    return base64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + "."
        + base64.encodeToString("signature".getBytes(StandardCharsets.UTF_8));
  }
}
