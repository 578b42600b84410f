package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.testing.ExampleBuilds;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.deploy.Launcher;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code infrafabric tool init} writes is a working tool in every language: its build script
 * builds it, its own test passes, and the module registers under the contract it came with and
 * answers in the chassis.
 */
@Timeout(600)
class ScaffoldedToolsTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @TempDir Path directory;

  @ParameterizedTest
  @ValueSource(strings = {"rust", "assemblyscript", "c"})
  void aNewProjectBuildsPassesItsTestAndRunsInTheChassis(String language) throws Exception {
    Path project = directory.resolve("hello-" + language);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Launcher.run(
            new CliContext(
                Map.of(),
                Clock.systemUTC(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)),
            "tool",
            "init",
            "--lang",
            language,
            "--dir",
            project.toString(),
            "hello-" + language);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();

    ExampleBuilds.run(List.of("./build.sh"), project);
    ExampleBuilds.run(List.of("./test.sh"), project);

    byte[] module = Files.readAllBytes(builtModule(project));
    JsonObject contract = new JsonObject(Files.readString(project.resolve("contract.json")));
    contract.remove("$schema");
    contract.put("moduleDigest", ModuleDigest.of(module).toString());
    ToolInfo tool =
        Await.result(
            HOST.chassis().register(module, TestChassis.PUBLISHER.sign(contract.encode())));

    InvocationResult result = HOST.invoke(tool.ref(), "{\"name\":\"Ada\"}");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(result.output()).getString("greeting")).isEqualTo("Hello, Ada!");
    assertThat(result.logs()).extracting(GuestLog::message).hasSize(1);
  }

  private static Path builtModule(Path project) throws IOException {
    try (Stream<Path> files = Files.walk(project)) {
      List<Path> modules =
          files
              .filter(f -> f.getFileName().toString().equals(project.getFileName() + ".wasm"))
              .toList();
      assertThat(modules).hasSize(1);
      return modules.get(0);
    }
  }
}
