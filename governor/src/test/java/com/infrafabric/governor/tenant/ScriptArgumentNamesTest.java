package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.ScriptArgsAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the Lua argument protocol: every governor script reads its arguments by the names its Java
 * declaration gives them, and its files live in the governor's own per-area folders.
 */
class ScriptArgumentNamesTest {

  private static final Path LUA = Path.of("src/main/resources/lua");

  @Test
  void everyScriptReadsExactlyTheArgumentsItDeclaresByName() {
    for (LuaScript script : GovernorService.scripts()) {
      ScriptArgsAssertions.assertReadsArgumentsByName(script);
    }
  }

  @Test
  void noLuaFileReadsAnArgumentByPosition() throws IOException {
    Pattern position = Pattern.compile("ARGV\\[\\s*\\d");
    for (Path file : luaFiles()) {
      assertThat(position.matcher(Files.readString(file)).find()).as(file.toString()).isFalse();
    }
  }

  @Test
  void luaFilesLiveInTheGovernorsPerAreaFolders() throws IOException {
    for (Path file : luaFiles()) {
      assertThat(LUA.relativize(file).toString().replace('\\', '/'))
          .matches("governor/(budget|claim|registry|policy|pricing)/[a-z_]+\\.lua");
    }
  }

  private static List<Path> luaFiles() throws IOException {
    try (Stream<Path> files = Files.walk(LUA)) {
      return files.filter(f -> f.toString().endsWith(".lua")).toList();
    }
  }
}
