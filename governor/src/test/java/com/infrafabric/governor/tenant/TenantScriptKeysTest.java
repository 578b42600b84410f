package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.platform.redis.LuaScript;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pins the tenant scripts' key protocol: the keys every tenant script takes are declared once
 * ({@link TenantScripts.HeaderKey}), and budget_lib.lua reads each by its name, never by position.
 */
class TenantScriptKeysTest {

  private static final String LIBRARY =
      LuaScript.text(TenantScripts.class, "governor/budget/budget_lib");
  private static final Pattern POSITION = Pattern.compile("KEYS\\[\\s*\\d");
  private static final Pattern NAME = Pattern.compile("KEYS\\[KEY\\.([a-z_]+)]");

  @Test
  void theLibraryReadsEveryHeaderKeyByNameAndNoOther() {
    Set<String> read = new TreeSet<>();
    Matcher matcher = NAME.matcher(LIBRARY);
    while (matcher.find()) {
      read.add(matcher.group(1));
    }
    assertThat(read)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(TenantScripts.HeaderKey.values())
                .map(TenantScripts.HeaderKey::luaName)
                .toList());
  }

  @Test
  void noTenantScriptReadsAKeyByPosition() {
    for (LuaScript script : GovernorService.scripts()) {
      if (script.source().contains(TenantScripts.keyIndexes())) {
        assertThat(POSITION.matcher(script.source()).find()).as(script.name()).isFalse();
      }
    }
  }

  @Test
  void theKeyTableGivesEachHeaderKeyItsPositionInKeys() {
    assertThat(TenantScripts.keyIndexes())
        .isEqualTo(
            "local KEY = {config = 1, idempotency = 2, ledger = 3, events = 4,"
                + " reservation_expiry = 5, reservation = 6}\n");
  }
}
