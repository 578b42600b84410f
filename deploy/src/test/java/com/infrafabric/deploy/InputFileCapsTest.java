package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.deploy.cli.InputCap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file a command reads is read up to the cap of its kind and no further: one larger, or one
 * that never ends, is a usage error (exit 2, one line naming the option, the file and the cap)
 * before anything is sent or any progress shown. Regression: each of these commands read {@code
 * /dev/zero} whole and died with {@code OutOfMemoryError}, exit 1.
 */
@Timeout(60)
@EnabledOnOs({OS.LINUX, OS.MAC})
class InputFileCapsTest {

  private static final String ENDLESS = "/dev/zero";
  private static final Set<String> LOCAL = Set.of("token mint", "agents sign", "contract sign");

  @RegisterExtension final FakeServiceCli fake = FakeServiceCli.recording("Authorization");

  /** A command line reading {@code /dev/zero}, the option that names it and the cap it gets. */
  static Stream<Arguments> endless() {
    return Stream.of(
        Arguments.of(
            List.of("agents", "register", "--contract", ENDLESS), "--contract", InputCap.DOCUMENT),
        Arguments.of(
            List.of("claims", "heartbeat", "acme/x#1", "--agent", "ag1", "--token-file", ENDLESS),
            "--token-file",
            InputCap.TOKEN),
        Arguments.of(
            List.of(
                "claims",
                "claim",
                "--task",
                "t1",
                "--scope",
                "acme",
                "--require",
                "python:5",
                "--max-cost-micros",
                "1",
                "--grant",
                ENDLESS),
            "--grant",
            InputCap.DOCUMENT),
        Arguments.of(
            List.of("tools", "invoke", "echo", "1.0.0", "--input", "{}", "--grant-file", ENDLESS),
            "--grant-file",
            InputCap.TOKEN),
        Arguments.of(
            List.of("tools", "publish", "--module", ENDLESS, "--contract", "c.jws"),
            "--module",
            InputCap.MODULE),
        Arguments.of(
            List.of(
                "credentials",
                "put",
                "x",
                "--secret-file",
                ENDLESS,
                "--allow",
                "https://api.example.com:443"),
            "--secret-file",
            InputCap.DOCUMENT),
        Arguments.of(
            List.of(
                "token", "mint", "--private", ENDLESS, "--sub", "s", "--iss", "i", "--aud", "a"),
            "--private",
            InputCap.KEY),
        Arguments.of(
            List.of(
                "agents",
                "sign",
                "--private",
                ENDLESS,
                "--iss",
                "i",
                "--tenant",
                "acme",
                "--id",
                "ag1",
                "--capability",
                "python:5",
                "--model",
                "m",
                "--cost-micros",
                "1",
                "--contract-version",
                "1"),
            "--private",
            InputCap.KEY),
        Arguments.of(
            List.of(
                "contract",
                "sign",
                "--module",
                ENDLESS,
                "--contract",
                "c.json",
                "--private",
                "k.json"),
            "--module",
            InputCap.MODULE));
  }

  @ParameterizedTest
  @MethodSource("endless")
  void anEndlessFileIsRefusedAtItsCapAndNothingIsSent(
      List<String> command, String option, InputCap cap) {
    assertThat(run(command)).as(fake.cli().stderr()).isEqualTo(2);
    assertThat(fake.cli().stderr())
        .contains(option + " " + ENDLESS + " holds more than " + cap.bytes() + " bytes")
        .doesNotContain("waiting for")
        .doesNotContain("Exception");
    assertThat(fake.cli().stderr().strip().lines()).hasSize(1);
    assertThat(fake.server().recorded()).isEmpty();
  }

  @Test
  void aModuleOneByteOverTheChassisCapIsRefusedAndOneAtItIsSent() throws IOException {
    Path contract = Files.writeString(fake.directory().resolve("c.jws"), FakeServiceCli.TOKEN);
    Path over = Files.write(fake.directory().resolve("over.wasm"), new byte[moduleCap() + 1]);
    Path at = Files.write(fake.directory().resolve("at.wasm"), new byte[moduleCap()]);
    List<String> publish = List.of("tools", "publish", "--contract", contract.toString());

    assertThat(run(FakeServiceCli.plus(publish, "--module", over.toString()))).isEqualTo(2);
    assertThat(fake.cli().stderr()).contains("--module " + over + " holds more than");
    assertThat(fake.server().recorded()).isEmpty();

    // The fake answers before it reads the body, so only the request's arrival is checked.
    run(FakeServiceCli.plus(publish, "--module", at.toString()));
    assertThat(fake.cli().stderr()).doesNotContain("holds more than");
    assertThat(fake.server().recorded()).hasSize(1);
  }

  /** Regression: the error named the JDK's exception, {@code java.nio.file.NoSuchFileException}. */
  @Test
  void aFileThatCannotBeReadIsOneLineInPlainWords() {
    List<String> register = List.of("agents", "register", "--contract");
    Path missing = fake.directory().resolve("missing.jws");

    assertThat(run(FakeServiceCli.plus(register, missing.toString()))).isEqualTo(2);
    assertThat(fake.cli().stderr().strip())
        .isEqualTo("infrafabric: cannot read --contract " + missing + ": no such file");

    assertThat(run(FakeServiceCli.plus(register, fake.directory().toString()))).isEqualTo(2);
    assertThat(fake.cli().stderr().strip())
        .isEqualTo("infrafabric: cannot read --contract " + fake.directory() + ": Is a directory");
    assertThat(fake.server().recorded()).isEmpty();
  }

  private static int moduleCap() {
    return Math.toIntExact(InputCap.MODULE.bytes());
  }

  /**
   * Runs {@code command}: a command that calls a service against the recording server, with a token
   * unless it names its own file.
   */
  private int run(List<String> command) {
    if (LOCAL.contains(command.get(0) + " " + command.get(1))) {
      return fake.cli().run(command.toArray(String[]::new));
    }
    List<String> args = FakeServiceCli.plus(command, "--url", fake.server().url());
    if (!command.contains("--token-file")) {
      args.addAll(List.of("--token", FakeServiceCli.TOKEN));
    }
    return fake.cli().run(args.toArray(String[]::new));
  }
}
