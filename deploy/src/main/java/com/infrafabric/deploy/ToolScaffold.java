package com.infrafabric.deploy;

import com.infrafabric.chassis.publish.ContractJson;
import com.infrafabric.hostapi.contract.ModuleDigest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code infrafabric tool init --lang rust|assemblyscript|c [--dir DIR] NAME}: writes a new tool
 * project from the templates under {@code scaffold/} on the class path: a contract (with the {@code
 * $schema} hint and the schema beside it, so editors validate it), the tool's source using the
 * vendored SDK, {@code build.sh} and {@code test.sh}. The contract is checked by the chassis's own
 * parser before anything is written, so a name the chassis would refuse is refused here with the
 * same sentence, and nothing is half-written into an existing directory.
 */
final class ToolScaffold {

  static final String USAGE =
      "usage: infrafabric tool init --lang rust|assemblyscript|c [--dir DIR] NAME";
  private static final String ROOT = "/scaffold/";

  /** A file of a new project: a class-path resource under {@link #ROOT} and where it goes. */
  private record ProjectFile(String resource, String target, boolean rendered) {
    static ProjectFile template(String resource, String target) {
      return new ProjectFile(resource, target, true);
    }

    static ProjectFile copy(String resource, String target) {
      return new ProjectFile(resource, target, false);
    }
  }

  /** The languages a project can be written in, with their files. */
  enum Language {
    RUST(
        List.of(
            ProjectFile.template("rust/contract.json", "contract.json"),
            ProjectFile.template("rust/src/lib.rs", "src/lib.rs"),
            ProjectFile.template("rust/build.sh", "build.sh"),
            ProjectFile.template("rust/test.sh", "test.sh"),
            ProjectFile.copy("rust/gitignore", ".gitignore"),
            ProjectFile.copy("sdk/rust/lib.rs", "sdk/infrafabric/lib.rs"),
            ProjectFile.copy("sdk/rust/error.rs", "sdk/infrafabric/error.rs"),
            ProjectFile.copy("sdk/rust/json.rs", "sdk/infrafabric/json.rs"),
            ProjectFile.copy("sdk/rust/sys.rs", "sdk/infrafabric/sys.rs"),
            ProjectFile.copy("sdk/rust/http.rs", "sdk/infrafabric/http.rs"),
            ProjectFile.copy("sdk/rust/llm.rs", "sdk/infrafabric/llm.rs"))),
    ASSEMBLYSCRIPT(
        List.of(
            ProjectFile.template("assemblyscript/contract.json", "contract.json"),
            ProjectFile.template("assemblyscript/assembly/index.ts", "assembly/index.ts"),
            ProjectFile.template("assemblyscript/package.json", "package.json"),
            ProjectFile.copy("assemblyscript/asconfig.json", "asconfig.json"),
            ProjectFile.template("assemblyscript/build.sh", "build.sh"),
            ProjectFile.copy("assemblyscript/test.sh", "test.sh"),
            ProjectFile.template("host-test.mjs", "test/tool.test.mjs"),
            ProjectFile.copy("assemblyscript/gitignore", ".gitignore"),
            ProjectFile.copy("sdk/assemblyscript/index.ts", "sdk/index.ts"),
            ProjectFile.copy("sdk/assemblyscript/host.ts", "sdk/host.ts"),
            ProjectFile.copy("sdk/assemblyscript/json.ts", "sdk/json.ts"))),
    C(
        List.of(
            ProjectFile.template("c/contract.json", "contract.json"),
            ProjectFile.template("c/tool.c", "tool.c"),
            ProjectFile.template("c/build.sh", "build.sh"),
            ProjectFile.copy("c/test.sh", "test.sh"),
            ProjectFile.template("host-test.mjs", "test/tool.test.mjs"),
            ProjectFile.copy("c/gitignore", ".gitignore"),
            ProjectFile.copy("sdk/c/infrafabric.h", "include/infrafabric.h")));

    private final List<ProjectFile> files;

    Language(List<ProjectFile> files) {
      this.files = files;
    }

    static Language parse(String name) {
      return Arrays.stream(values())
          .filter(l -> l.name().toLowerCase(Locale.ROOT).equals(name))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "--lang must be rust, assemblyscript or c, not '" + name + "'"));
    }
  }

  private ToolScaffold() {}

  /**
   * Writes the project of tool {@code name} in {@code language} to {@code directory}, which must
   * not exist or be empty.
   *
   * @return the files written
   * @throws IllegalArgumentException if the name is not a valid tool name or the directory holds
   *     files
   */
  static List<Path> init(Language language, String name, Path directory) {
    Map<String, String> values =
        Map.of("name", name, "crate", name.replace('-', '_'), "assemblyscript", pinnedCompiler());
    List<Map.Entry<Path, String>> rendered = new ArrayList<>();
    for (ProjectFile file : language.files) {
      String text = resource(file.resource());
      rendered.add(
          Map.entry(
              directory.resolve(file.target()), file.rendered() ? render(text, values) : text));
    }
    rendered.add(
        Map.entry(directory.resolve("contract.schema.json"), resource("contract.schema.json")));
    if (language == Language.ASSEMBLYSCRIPT) {
      rendered.add(Map.entry(directory.resolve("package-lock.json"), lockFile(name)));
    }
    rendered.stream()
        .filter(file -> file.getKey().endsWith("contract.json"))
        .forEach(file -> checkContract(file.getValue()));
    requireEmpty(directory);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<Path, String> file : rendered) {
      written.add(write(file.getKey(), file.getValue()));
    }
    return written;
  }

  /** The chassis's parser decides whether the contract (and so the name) is valid. */
  private static void checkContract(String contract) {
    JsonObject json = new JsonObject(contract);
    json.remove("$schema");
    json.put("moduleDigest", ModuleDigest.of(new byte[0]).toString());
    ContractJson.parse(json.encode());
  }

  /** The assemblyscript version the SDK's lock file pins: the one the SDK is built with. */
  private static String pinnedCompiler() {
    return sdkLock()
        .getJsonObject("packages")
        .getJsonObject("node_modules/assemblyscript")
        .getString("version");
  }

  /** The SDK's lock file as the project's: same packages, the project's name and version. */
  private static String lockFile(String name) {
    JsonObject lock = sdkLock().put("name", name).put("version", "0.1.0");
    JsonObject root = lock.getJsonObject("packages").getJsonObject("");
    root.put("name", name).put("version", "0.1.0").remove("license");
    return lock.encodePrettily() + "\n";
  }

  private static JsonObject sdkLock() {
    return new JsonObject(resource("sdk/assemblyscript-package/package-lock.json"));
  }

  private static String render(String template, Map<String, String> values) {
    String text = template;
    for (Map.Entry<String, String> value : values.entrySet()) {
      text = text.replace("${" + value.getKey() + "}", value.getValue());
    }
    return text;
  }

  private static void requireEmpty(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(directory + " already exists and is not empty");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory, e);
    }
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      if (file.getFileName().toString().endsWith(".sh")) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ToolScaffold.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the scaffold template " + ROOT + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the scaffold template " + ROOT + name, e);
    }
  }
}
