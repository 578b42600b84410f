package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

  @TempDir Path directory;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Launcher.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("serve", "token", "contract sign");
  }

  @Test
  void theDemoKeepsStdoutForItsSummaryAndTheServicesLogThere() {
    assertThat(Launcher.loggingConfiguration(new String[] {"demo"}))
        .isEqualTo("infrafabric-demo-logback.xml");
    assertThat(Launcher.loggingConfiguration(new String[] {"serve", "--data", "x"}))
        .isEqualTo("infrafabric-logback.xml");
    assertThat(Launcher.loggingConfiguration(new String[0])).isEqualTo("infrafabric-logback.xml");
    assertThat(getClass().getResource("/infrafabric-demo-logback.xml")).isNotNull();
    assertThat(getClass().getResource("/infrafabric-logback.xml")).isNotNull();
  }

  @Test
  void anUnknownCommandExitsWithTwo() {
    assertThat(run("launch-missiles")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'launch-missiles'");
  }

  /**
   * Serves with {@code properties} as the config file; fails unless that exits 2; returns stderr.
   */
  private String refusal(String properties) throws IOException {
    Path config = Files.writeString(directory.resolve("infrafabric.properties"), properties);
    assertThat(run("serve", "--config", config.toString(), "--data", directory.toString()))
        .isEqualTo(2);
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void aBadConfigValueStopsTheLaunchWithOneLineNamingTheKey() throws Exception {
    assertThat(
            refusal(
                "http.port=70000\nauth.jwksFile=/nonexistent\nauth.issuer=i\nauth.audience=a\n"))
        .isEqualTo("infrafabric: http.port 70000 is outside 1..65535");
  }

  @Test
  void aMisspelledKeyIsRefused() throws Exception {
    assertThat(refusal("http.prot=8080\n")).contains("unknown config key http.prot");
  }

  @Test
  void theWebhookSecretIsNeverEchoed() throws Exception {
    assertThat(
            refusal(
                "webhooks.urls=ftp://hooks.example.com\nwebhooks.secret=canary-secret-value-123\n"))
        .contains("webhooks.urls entry ftp://hooks.example.com must be an http:// or https:// URL")
        .doesNotContain("canary-secret-value-123");
  }

  /**
   * Regression: a launch error echoed a configured URL whole, user info and query included ({@code
   * https://user:EPSECRET@api.example.com/v1?key=QK}), while REDIS_URL's password was masked. Every
   * configured URL a message shows is shown by its origin only.
   */
  @Test
  void aConfiguredUrlsSecretsAreNeverEchoed() throws Exception {
    assertThat(
            refusal(
                "gateway.llm.openai.endpoint=https://user:EPSECRET@api.example.com/v1?key=QKEY\n"
                    + "gateway.llm.openai.credential=openai-key\ngateway.llm.openai.models=gpt-4o\n"))
        .contains("https://api.example.com/…")
        .doesNotContain("EPSECRET", "QKEY");
    assertThat(
            refusal("webhooks.urls=ftp://user:PASSWD@hooks.example.com/T0/B0/XSECRET?t=QTOKEN\n"))
        .contains("ftp://hooks.example.com/…")
        .doesNotContain("PASSWD", "XSECRET", "QTOKEN");
    assertThat(refusal("webhooks.urls=https://hooks.example.com/T0^B0/XSECRET\n"))
        .contains("not a URL")
        .doesNotContain("XSECRET");
  }

  @Test
  void theTwoServicesNeedTwoPorts() throws Exception {
    assertThat(refusal("http.port=9000\nchassis.http.port=9000\n"))
        .isEqualTo(
            "infrafabric: chassis.http.port 9000 is also the governor's http.port;"
                + " give each service its own port");
  }

  @Test
  void aChassisKeyIsCheckedLikeAnyOther() throws Exception {
    assertThat(refusal("chassis.sandbox.guestThreads=0\n"))
        .isEqualTo("infrafabric: chassis.sandbox.guestThreads 0 is outside 1..1024");
  }

  @Test
  void modelProvidersOutsideLocalModeAreRefusedBeforeAnythingStarts() throws Exception {
    StringBuilder configured = new StringBuilder("chassis.llm.offlineModels=offline-small\n");
    LocalKeys.ensure(directory.resolve("keys"))
        .defaults(Map.of())
        .forEach((key, value) -> configured.append(key).append('=').append(value).append('\n'));
    assertThat(refusal(configured.toString()))
        .isEqualTo(
            "infrafabric: chassis.llm.* configures model providers, but serve reserves their cost"
                + " with the governor only in local mode (auth.jwksFile unset)");
  }

  @Test
  void contractSignIsACommand() {
    assertThat(run("contract", "sign", "--module", "x.wasm")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing --contract");
  }

  @Test
  void optionsNeedValues() {
    assertThat(run("serve", "--config")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: --config needs a value\n");
  }
}
