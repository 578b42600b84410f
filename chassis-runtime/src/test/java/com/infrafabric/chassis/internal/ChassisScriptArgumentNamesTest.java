package com.infrafabric.chassis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.internal.capability.KvStore;
import com.infrafabric.chassis.internal.grant.GrantLedger;
import com.infrafabric.chassis.internal.module.ModuleRegistry;
import com.infrafabric.chassis.mcp.McpSessions;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.ScriptArgsAssertions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the Lua argument protocol of the chassis, as {@code ScriptArgumentNamesTest} does for the
 * governor: every script reads its arguments by the names its Java declaration gives them, every
 * Lua file is one of those scripts, and the files live in the chassis's own per-area folders.
 */
class ChassisScriptArgumentNamesTest {

  private static final Path LUA = Path.of("src/main/resources/lua");

  @Test
  void everyScriptReadsExactlyTheArgumentsItDeclaresByName() {
    for (LuaScript script : scripts()) {
      ScriptArgsAssertions.assertReadsArgumentsByName(script);
    }
  }

  /** Every file but a library ({@code *_lib.lua}, which scripts put before their own text). */
  @Test
  void everyLuaFileIsAScriptWithDeclaredArguments() throws IOException {
    assertThat(ScriptArgsAssertions.luaFiles(LUA))
        .extracting(file -> file.getFileName().toString().replace(".lua", ""))
        .filteredOn(name -> !name.endsWith("_lib"))
        .containsExactlyInAnyOrderElementsOf(scripts().stream().map(LuaScript::name).toList());
  }

  @Test
  void noLuaFileReadsAnArgumentByPositionAndEachLivesInItsArea() throws IOException {
    ScriptArgsAssertions.assertLuaFilesNamedAndPlaced(
        LUA, "chassis/(grant|kv|module|mcp)/chassis_[a-z_]+\\.lua");
  }

  private static List<LuaScript> scripts() {
    List<LuaScript> scripts = new ArrayList<>(GrantLedger.scripts());
    scripts.addAll(KvStore.scripts());
    scripts.addAll(ModuleRegistry.scripts());
    scripts.addAll(McpSessions.scripts());
    return scripts;
  }
}
