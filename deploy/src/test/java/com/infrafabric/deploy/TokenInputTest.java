package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a token source holds (an option, a file, the environment, the configuration file), a
 * command sends it only if it is one token, and an error about it never quotes it: a two-line file
 * was once sent whole and, refused by the HTTP client, printed whole ({@code invalid header value:
 * "Bearer eyJ…\nSECOND_LINE_SECRET"}), and a private key given by mistake was sent as a bearer
 * token. Checked against a server that records every request it gets.
 */
@Timeout(60)
class TokenInputTest {

  private static final String CANARY = "SECOND_LINE_SECRET_c4n4ry";

  /** Shaped as a signed token (not signed by anyone: nothing here verifies it). */
  private static final String TOKEN =
      segment("{\"alg\":\"ES256\",\"kid\":\"k1\"}")
          + "."
          + segment("{\"sub\":\"ops-admin\",\"roles\":[\"admin\"]}")
          + "."
          + segment("signature bytes");

  /** Contents no token source may be sent or echoed with: each holds the canary. */
  private static final Map<String, String> NOT_ONE_TOKEN =
      Map.of(
          "a token and a second line", TOKEN + "\n" + CANARY + "\n",
          "a token and more on its line", TOKEN + " " + CANARY,
          "a private key", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"" + CANARY + "\"}\n",
          "one word", CANARY + "\n",
          "two tokens", TOKEN + "\n" + TOKEN + CANARY + "\n",
          "a bearer header", "Bearer " + TOKEN + CANARY);

  @TempDir Path directory;
  private FakeService server;
  private CliRun cli;

  @BeforeEach
  void start() {
    server =
        FakeService.recording("Authorization")
            .answering(
                401, "application/json", "{\"code\":\"UNAUTHENTICATED\",\"message\":\"no\"}");
    cli = new CliRun(directory.resolve("home"));
    cli.env.put("XDG_CONFIG_HOME", directory.resolve("xdg").toString());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSourceHoldingAnythingButOneTokenIsAUsageErrorThatQuotesNothingAndSendsNothing()
      throws IOException {
    for (Map.Entry<String, String> content : NOT_ONE_TOKEN.entrySet()) {
      Path file = Files.writeString(directory.resolve("bad.tok"), content.getValue());
      refused(content.getKey(), "--token-file", "budgets", "list", "--token-file", file.toString());
      refused(content.getKey(), "--token", "pricing", "get", "--token", content.getValue());
      refused(
          content.getKey(),
          "--token-file",
          "mcp",
          "--url",
          server.url() + "/mcp",
          "--token-file",
          file.toString());
      refused(
          content.getKey(),
          "--grant",
          "mcp",
          "--url",
          server.url() + "/mcp",
          "--token",
          TOKEN,
          "--grant",
          content.getValue());

      cli.env.put("IF_TOKEN", content.getValue());
      refused(content.getKey(), "IF_TOKEN", "tools", "list");
      cli.env.remove("IF_TOKEN");

      config("token.file=" + file + "\n");
      refused(content.getKey(), "cli.properties: token.file ", "keys", "list");
      config("token=" + content.getValue().replace("\n", "\\n") + "\n");
      refused(content.getKey(), "cli.properties: token does not", "spend");
      Files.delete(configFile());
    }
    Path empty = Files.writeString(directory.resolve("empty.tok"), "\n");
    assertThat(cli.run("budgets", "list", "--url", server.url(), "--token-file", empty.toString()))
        .isEqualTo(2);
    assertThat(cli.stderr()).contains("--token-file " + empty + " does not hold one token");
    assertThat(server.recorded()).as("requests that reached the server").isEmpty();
  }

  /**
   * Runs {@code args} against the recording server: a usage error (exit 2) naming {@code source},
   * with nothing of the source's content on either stream.
   */
  private void refused(String content, String source, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    if (!command.contains("--url")) {
      command.addAll(List.of("--url", server.url()));
    }
    int status = cli.run(command.toArray(String[]::new));
    String what =
        content + " in " + source + " (" + String.join(" ", args).replace('\n', '|') + ")";

    assertThat(status).as(what + ": " + cli.stderr()).isEqualTo(2);
    assertThat(cli.stderr()).as(what).contains(source).contains("does not hold one token");
    for (String stream : List.of(cli.stdout(), cli.stderr())) {
      assertThat(stream).as(what).doesNotContain(CANARY).doesNotContain(TOKEN);
    }
  }

  @Test
  void oneTokenWithWhiteSpaceAroundItIsSentAloneFromEverySource() throws IOException {
    Path file = Files.writeString(directory.resolve("good.tok"), "  " + TOKEN + "\r\n");
    cli.run("budgets", "list", "--url", server.url(), "--token-file", file.toString());
    cli.run("pricing", "get", "--url", server.url(), "--token", TOKEN + "\n");
    cli.env.put("IF_TOKEN", "\t" + TOKEN + "\n");
    cli.run("tools", "list", "--url", server.url());
    cli.env.remove("IF_TOKEN");
    config("token.file=" + file + "\n");
    cli.run("keys", "list", "--url", server.url());

    assertThat(server.recorded()).hasSize(4).containsOnly("Bearer " + TOKEN);
  }

  private Path configFile() {
    return directory.resolve("xdg/infrafabric/cli.properties");
  }

  private void config(String properties) throws IOException {
    Files.createDirectories(configFile().getParent());
    Files.writeString(configFile(), properties);
  }

  private static String segment(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
