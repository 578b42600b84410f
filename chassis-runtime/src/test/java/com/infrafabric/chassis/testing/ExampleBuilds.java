package com.infrafabric.chassis.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tool examples of every language built from source with the build scripts their READMEs
 * document ({@code host-api/sdk/rust/build.sh}, {@code host-api/sdk/assemblyscript/build.mjs},
 * {@code host-api/examples/c/build.sh}), so a test exercises exactly what a tool author builds.
 *
 * <p>Builds go to {@code host-api/target/examples/<language>} and are redone only when a source
 * changed (a digest of the sources is kept beside the modules), so the modules that use them share
 * one build. The AssemblyScript compiler is installed with {@code npm ci} from the SDK's lock file
 * when its {@code node_modules} lacks the pinned version; an existing installation is used offline.
 * A missing toolchain fails the test with the command and its output, never skips it.
 */
public final class ExampleBuilds {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
  private static final Map<Language, Path> BUILT = new ConcurrentHashMap<>();

  /** The languages with an SDK or header, and where their sources live. */
  public enum Language {
    RUST("host-api/sdk/rust", "examples"),
    ASSEMBLYSCRIPT("host-api/sdk/assemblyscript", "examples"),
    C("host-api/examples/c", "", "host-api/include");

    private final String directory;
    private final String examples;
    private final List<String> includes;

    Language(String directory, String examples, String... includes) {
      this.directory = directory;
      this.examples = examples;
      this.includes = List.of(includes);
    }

    /** The directory holding the example sources and their contracts. */
    public Path examples() {
      return repository().resolve(directory).resolve(examples);
    }

    private Path home() {
      return repository().resolve(directory);
    }
  }

  private ExampleBuilds() {}

  /** The built module {@code name} (e.g. {@code word_count}) of {@code language}. */
  public static byte[] module(Language language, String name) {
    return read(built(language).resolve(name + ".wasm"));
  }

  /** The size in bytes of a built module. */
  public static long size(Language language, String name) {
    return module(language, name).length;
  }

  /**
   * The example's contract ({@code <name>.contract.json} beside its source) as the chassis reads
   * it: without the editor's {@code $schema} hint.
   */
  public static JsonObject contract(Language language, String name) {
    JsonObject contract =
        new JsonObject(read(language.examples().resolve(name + ".contract.json"), "contract"));
    contract.remove("$schema");
    return contract;
  }

  /** The directory of built modules of {@code language}, building them first if needed. */
  public static synchronized Path built(Language language) {
    return BUILT.computeIfAbsent(language, ExampleBuilds::build);
  }

  /** The root of the checkout: the nearest directory up from the working one with host-api/. */
  public static Path repository() {
    Path directory = Path.of("").toAbsolutePath();
    while (directory != null && !Files.isDirectory(directory.resolve("host-api/sdk"))) {
      directory = directory.getParent();
    }
    if (directory == null) {
      throw new IllegalStateException("no host-api/sdk above " + Path.of("").toAbsolutePath());
    }
    return directory;
  }

  private static Path build(Language language) {
    Path out =
        repository().resolve("host-api/target/examples").resolve(language.name().toLowerCase());
    StringBuilder digest = new StringBuilder(sourceDigest(language.home()));
    language.includes.forEach(dir -> digest.append(sourceDigest(repository().resolve(dir))));
    Path stamp = out.resolve(".sources.sha256");
    if (Files.exists(stamp) && read(stamp, "stamp").equals(digest.toString())) {
      return out;
    }
    switch (language) {
      case RUST -> run(List.of("sh", "build.sh", out.toString()), language.home());
      case ASSEMBLYSCRIPT -> {
        installAssemblyScript(language.home());
        run(List.of("node", "build.mjs", out.toString()), language.home());
      }
      case C -> run(List.of("sh", "build.sh", out.toString()), language.home());
    }
    write(stamp, digest.toString());
    return out;
  }

  /** {@code npm ci} unless node_modules holds the compiler version the lock file pins. */
  private static void installAssemblyScript(Path home) {
    String pinned =
        new JsonObject(read(home.resolve("package-lock.json"), "lock file"))
            .getJsonObject("packages")
            .getJsonObject("node_modules/assemblyscript")
            .getString("version");
    Path installed = home.resolve("node_modules/assemblyscript/package.json");
    if (Files.exists(installed)
        && pinned.equals(new JsonObject(read(installed, "package")).getString("version"))) {
      return;
    }
    run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), home);
  }

  /**
   * Runs a build command (or a project's own script) in {@code directory}, failing with its output
   * when it does not end with status 0 within ten minutes.
   */
  public static void run(List<String> command, Path directory) {
    try {
      Path log = Files.createTempFile("example-build-", ".log");
      try {
        Process process =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " in " + directory + " timed out");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              command
                  + " in "
                  + directory
                  + " failed with status "
                  + process.exitValue()
                  + ":\n"
                  + Files.readString(log));
        }
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + " (is the toolchain installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** SHA-256 over the paths and contents of the sources, skipping installs and build output. */
  private static String sourceDigest(Path home) {
    try (Stream<Path> files = Files.walk(home)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> !home.relativize(f).startsWith("node_modules"))
              .filter(f -> !home.relativize(f).startsWith("target"))
              .filter(f -> !f.toString().endsWith(".wasm"))
              .sorted()
              .toList()) {
        sha.update(home.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(file));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sources under " + home, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " " + file, e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
