package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tool init}: what it writes for each language, and what it refuses without writing
 * anything. That the projects build, pass their own tests and run in the chassis is pinned by
 * {@code ScaffoldedToolsTest} in sandbox-tests.
 */
class ToolScaffoldTest {

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(ToolScaffold.Language.class)
  void writesAContractWithItsSchemaTheSourceAndTheScripts(ToolScaffold.Language language)
      throws Exception {
    Path project = directory.resolve("hello-tool");
    List<Path> written = ToolScaffold.init(language, "hello-tool", project);

    assertThat(written)
        .contains(
            project.resolve("contract.json"),
            project.resolve("contract.schema.json"),
            project.resolve("build.sh"),
            project.resolve("test.sh"));
    JsonObject contract = new JsonObject(Files.readString(project.resolve("contract.json")));
    assertThat(contract.getString("name")).isEqualTo("hello-tool");
    assertThat(contract.getString("$schema")).isEqualTo("./contract.schema.json");
    assertThat(Files.isExecutable(project.resolve("build.sh"))).isTrue();
    for (Path file : written) {
      assertThat(Files.readString(file))
          .as(file.toString())
          .doesNotContain("${name}", "${crate}", "${assemblyscript}");
    }
  }

  @Test
  void anAssemblyScriptProjectPinsTheCompilerTheSdkIsBuiltWith() throws Exception {
    Path project = directory.resolve("as-tool");
    ToolScaffold.init(ToolScaffold.Language.ASSEMBLYSCRIPT, "as-tool", project);
    JsonObject lock = new JsonObject(Files.readString(project.resolve("package-lock.json")));
    String pinned =
        lock.getJsonObject("packages")
            .getJsonObject("node_modules/assemblyscript")
            .getString("version");
    JsonObject manifest = new JsonObject(Files.readString(project.resolve("package.json")));
    assertThat(manifest.getJsonObject("devDependencies").getString("assemblyscript"))
        .isEqualTo(pinned);
    assertThat(lock.getJsonObject("packages").getJsonObject("").getString("name"))
        .isEqualTo("as-tool");
  }

  @Test
  void aNameTheChassisWouldRefuseIsRefusedWithItsSentenceAndNothingIsWritten() {
    Path project = directory.resolve("x");
    assertThatThrownBy(() -> ToolScaffold.init(ToolScaffold.Language.C, "Hello_Tool", project))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name \"Hello_Tool\" must match [a-z][a-z0-9-]{0,62}");
    assertThat(project).doesNotExist();
  }

  @Test
  void aDirectoryWithFilesIsLeftAlone() throws Exception {
    Path project = Files.createDirectories(directory.resolve("busy"));
    Files.writeString(project.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> ToolScaffold.init(ToolScaffold.Language.RUST, "busy", project))
        .hasMessage(project + " already exists and is not empty");
    try (var files = Files.list(project)) {
      assertThat(files).containsExactly(project.resolve("notes.txt"));
    }
  }

  @Test
  void theLauncherRunsToolInitAndSaysWhatToDoNext() {
    Path project = directory.resolve("greeter");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Launcher.run(
            new String[] {"tool", "init", "--lang", "c", "--dir", project.toString(), "greeter"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("wrote a c tool in " + project)
        .contains("./build.sh && ./test.sh");
    assertThat(project.resolve("tool.c")).exists();
  }

  @Test
  void anUnknownLanguageIsAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Launcher.run(
            new String[] {"tool", "init", "--lang", "cobol", "x"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    // One line naming the choices: a value that cannot be read gets no usage after it.
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .asString()
        .contains("--lang must be rust, assemblyscript or c, not 'cobol'");
  }
}
