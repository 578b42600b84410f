package com.infrafabric.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.deploy.Launcher;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.nimbusds.jose.JWSObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractCliTest {

  @TempDir Path directory;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Launcher.run(
        new CliContext(
            Map.of(),
            Clock.systemUTC(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)),
        Stream.concat(Stream.of("contract"), Arrays.stream(args)).toArray(String[]::new));
  }

  @Test
  void signPrintsTheJwsForTheModule() throws Exception {
    byte[] module = Guests.wat(Guests.ECHO);
    Path wasm = Files.write(directory.resolve("echo.wasm"), module);
    Path json =
        Files.writeString(
            directory.resolve("echo.json"), Contracts.forModule("echo", module).json());
    SigningKeyPair pair = SigningKeyPair.generate("ES256");
    Path key = directory.resolve("publisher.json");
    pair.write(key, directory.resolve("publishers.json"));

    int status =
        run(
            "sign",
            "--module",
            wasm.toString(),
            "--contract",
            json.toString(),
            "--private",
            key.toString());

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JWSObject jws = JWSObject.parse(out.toString(StandardCharsets.UTF_8).strip());
    assertThat(jws.getHeader().getKeyID()).isEqualTo(pair.keyId());
    assertThat(jws.getPayload().toJSONObject()).containsEntry("name", "echo");
  }

  @Test
  void aMissingFileOrAMissingOptionIsAUsageError() {
    assertThat(
            run(
                "sign",
                "--module",
                directory.resolve("nope.wasm").toString(),
                "--contract",
                "c.json",
                "--private",
                "k.json"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read").contains("nope.wasm");
    assertThat(run("sign", "--module", "m.wasm")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing --contract");
    assertThat(run("verify")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'verify'");
  }
}
