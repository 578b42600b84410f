package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.ScriptArgsAssertions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the Lua argument protocol of the provider layer's vault, as the chassis and the governor pin
 * theirs: each script reads its arguments by the names its Java declaration gives them, every Lua
 * file is one of those scripts, and the files live in this module's own per-area folders.
 */
class LlmScriptArgumentNamesTest {

  private static final Path LUA = Path.of("src/main/resources/lua");

  @Test
  void everyScriptReadsExactlyTheArgumentsItDeclaresByName() {
    for (LuaScript script : CredentialStore.scripts()) {
      ScriptArgsAssertions.assertReadsArgumentsByName(script);
    }
  }

  @Test
  void everyLuaFileIsAScriptWithDeclaredArguments() throws IOException {
    List<String> names = CredentialStore.scripts().stream().map(LuaScript::name).toList();
    assertThat(ScriptArgsAssertions.luaFiles(LUA))
        .extracting(file -> file.getFileName().toString().replace(".lua", ""))
        .containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void noLuaFileReadsAnArgumentByPositionAndEachLivesInItsArea() throws IOException {
    ScriptArgsAssertions.assertLuaFilesNamedAndPlaced(LUA, "llm/vault/llm_[a-z_]+\\.lua");
  }
}
