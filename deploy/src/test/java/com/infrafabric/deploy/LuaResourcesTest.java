package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.platform.redis.LuaScript;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution's single jar is the union of its class path, so two modules shipping the same
 * resource path would silently keep one file and lose the other. Every Lua script therefore lives
 * under its own module's folder ({@code lua/governor/...}, {@code lua/chassis/...}, {@code
 * lua/llm/...}, {@code lua/platform/...}); this test reads every class path entry the shaded jar is
 * built from and pins that each Lua resource is there exactly once, in its module's folder, and
 * none is flat in {@code lua/}.
 */
class LuaResourcesTest {

  @Test
  void everyLuaResourceIsOnTheClassPathExactlyOnce() throws IOException {
    List<String> resources = luaResources(classPath());
    assertThat(resources)
        .as("Lua resources on the class path")
        .isNotEmpty()
        .doesNotHaveDuplicates();
    for (String resource : resources) {
      List<URL> copies = Collections.list(getClass().getClassLoader().getResources(resource));
      assertThat(copies).as(resource).hasSize(1);
    }
  }

  @Test
  void noLuaResourceIsFlatInTheSharedFolder() {
    assertThat(luaResources(classPath())).noneMatch(resource -> resource.matches("lua/[^/]+"));
  }

  @Test
  void eachModuleShipsItsLuaUnderItsOwnFolder() {
    assertOnlyUnder(GovernorService.class, "lua/governor/");
    assertOnlyUnder(Chassis.class, "lua/chassis/");
    assertOnlyUnder(CredentialStore.class, "lua/llm/");
    assertOnlyUnder(LuaScript.class, "lua/platform/");
  }

  private static void assertOnlyUnder(Class<?> anchor, String folder) {
    assertThat(luaResources(List.of(root(anchor))))
        .as("Lua resources of %s's module", anchor.getSimpleName())
        .isNotEmpty()
        .allMatch(resource -> resource.startsWith(folder));
  }

  private static List<Path> classPath() {
    List<Path> entries =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .toList();
    assertThat(entries)
        .as("the class path")
        .contains(root(GovernorService.class), root(Chassis.class));
    return entries;
  }

  private static Path root(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code lua/...lua} resource names of the given class path entries, one per copy. */
  private static List<String> luaResources(List<Path> entries) {
    List<String> resources = new ArrayList<>();
    for (Path entry : entries) {
      if (Files.isDirectory(entry)) {
        resources.addAll(inDirectory(entry));
      } else if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
        resources.addAll(inJar(entry));
      }
    }
    return resources;
  }

  private static List<String> inDirectory(Path root) {
    Path lua = root.resolve("lua");
    if (!Files.isDirectory(lua)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(lua)) {
      return files
          .filter(file -> file.toString().endsWith(".lua"))
          .map(file -> root.relativize(file).toString().replace(File.separatorChar, '/'))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> inJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream()
          .map(entry -> entry.getName())
          .filter(name -> name.startsWith("lua/") && name.endsWith(".lua"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
