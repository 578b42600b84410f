package com.infrafabric.deploy;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A build step, not a test: compiles the demo's WAT sources ({@code src/main/wat/demo}) into the
 * distribution's {@code demo/*.wasm} resources. The build runs it (exec-maven-plugin, after the
 * test classes are compiled and before the jar is packaged) so that the WAT compiler, a test
 * dependency, never reaches the production jar.
 */
public final class DemoModules {

  private DemoModules() {}

  /** {@code args}: the WAT source directory and the output directory. */
  public static void main(String[] args) throws IOException {
    Path sources = Path.of(args[0]);
    Path output = Files.createDirectories(Path.of(args[1]));
    List<Path> wat;
    try (Stream<Path> files = Files.list(sources)) {
      wat = files.filter(f -> f.toString().endsWith(".wat")).sorted().toList();
    }
    if (wat.isEmpty()) {
      throw new IllegalStateException("no .wat sources in " + sources);
    }
    for (Path source : wat) {
      String name = source.getFileName().toString().replaceFirst("\\.wat$", ".wasm");
      Files.write(output.resolve(name), Wat2Wasm.parse(source.toFile()));
    }
  }
}
