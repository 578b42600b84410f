package com.infrafabric.governor.tenant;

import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.ScriptArgsAssertions;
import java.io.IOException;
import java.nio.file.Path;
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
  void noLuaFileReadsAnArgumentByPositionAndEachLivesInItsArea() throws IOException {
    ScriptArgsAssertions.assertLuaFilesNamedAndPlaced(
        LUA, "governor/(budget|claim|keys|registry|policy|pricing)/[a-z_]+\\.lua");
  }
}
