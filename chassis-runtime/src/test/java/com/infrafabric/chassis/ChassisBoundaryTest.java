package com.infrafabric.chassis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code com.infrafabric.chassis.internal} internal. The chassis runs on the classpath
 * (tests, the shaded deploy jar), where no module system enforces a boundary, so this test does:
 * only the facade {@link Chassis}, which builds the internals, and the internal packages themselves
 * may refer to an internal type; and nothing outside chassis-runtime may name one.
 *
 * <p>Compiled classes are read for the API check (a class file names every type it uses, however
 * the source spelled it); the other modules' sources are read for the second, since they are not on
 * this module's classpath.
 */
class ChassisBoundaryTest {

  private static final String INTERNAL = "com/infrafabric/chassis/internal/";

  @Test
  void noPublicApiClassOtherThanTheFacadeUsesAnInternalType() {
    Path classes = mainClasses();
    assertThat(files(classes, ".class"))
        .filteredOn(file -> !classes.relativize(file).toString().startsWith(INTERNAL))
        .filteredOn(file -> !isFacade(classes.relativize(file).toString()))
        .filteredOn(file -> contains(file, INTERNAL))
        .as("public API classes that use com.infrafabric.chassis.internal")
        .isEmpty();
  }

  @Test
  void noOtherModuleNamesAnInternalType() {
    Path repository = mainClasses().resolve("../../..").normalize();
    List<Path> otherModules = otherModules(repository);
    assertThat(otherModules).as("modules beside chassis-runtime").isNotEmpty();
    assertThat(
            otherModules.stream()
                .map(module -> module.resolve("src"))
                .filter(Files::isDirectory)
                .flatMap(src -> files(src, ".java").stream())
                .filter(file -> contains(file, "com.infrafabric.chassis.internal")))
        .as("sources outside chassis-runtime that name com.infrafabric.chassis.internal")
        .isEmpty();
  }

  /** Every directory beside chassis-runtime that holds a Maven module. */
  private static List<Path> otherModules(Path repository) {
    try (Stream<Path> children = Files.list(repository)) {
      return children
          .filter(dir -> Files.isRegularFile(dir.resolve("pom.xml")))
          .filter(dir -> !dir.getFileName().toString().equals("chassis-runtime"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isFacade(String classFile) {
    return classFile.equals("com/infrafabric/chassis/Chassis.class")
        || classFile.startsWith("com/infrafabric/chassis/Chassis$");
  }

  private static Path mainClasses() {
    try {
      return Path.of(Chassis.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> files(Path root, String suffix) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(file -> file.toString().endsWith(suffix)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
