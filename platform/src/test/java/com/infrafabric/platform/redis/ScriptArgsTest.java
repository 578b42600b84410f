package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.testing.ScriptArgsAssertions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptArgsTest {

  private static final ScriptArgs ARGS =
      ScriptArgs.of("id", "amount").group("spend", List.of("micros", "model")).then("scope");

  @Test
  void theLuaConstantsNumberEveryArgumentInCallOrder() {
    assertThat(ARGS.luaConstants())
        .isEqualTo(
            "local ARG_ID = 1\n"
                + "local ARG_AMOUNT = 2\n"
                + "local ARG_SPEND = {micros = 3, model = 4}\n"
                + "local ARG_SCOPE = 5\n");
    assertThat(ScriptArgs.of("now").rest("pairs").luaConstants())
        .isEqualTo("local ARG_NOW = 1\nlocal ARG_PAIRS = 2\n");
  }

  @Test
  void valuesSetByNameComeOutInDeclaredOrder() {
    List<String> argv =
        ARGS.values()
            .put("scope", "a/b")
            .put("spend.model", "m")
            .put("id", "r1")
            .put("amount", 7)
            .put("spend.micros", 3)
            .list();
    assertThat(argv).containsExactly("r1", "7", "3", "m", "a/b");
    assertThat(
            ScriptArgs.of("now")
                .rest("pairs")
                .values()
                .put("now", 1)
                .rest(List.of("x", "y"))
                .list())
        .containsExactly("1", "x", "y");
  }

  @Test
  void anArgumentThatIsNotDeclaredSetTwiceOrMissingFailsNamingIt() {
    assertThatThrownBy(() -> ARGS.values().put("amout", 1))
        .hasMessage("script argument amout is not declared");
    assertThatThrownBy(() -> ARGS.values().put("id", "a").put("id", "b"))
        .hasMessage("script argument id is set twice");
    assertThatThrownBy(() -> ARGS.values().put("id", "a").list())
        .hasMessage("script argument amount is not set");
  }

  @Test
  void aNameIsDeclaredOnceAndNothingFollowsTheRest() {
    assertThatThrownBy(() -> ScriptArgs.of("id").then("id"))
        .hasMessage("script argument id is declared twice");
    assertThatThrownBy(() -> ScriptArgs.of("Id")).hasMessageContaining("is not [a-z][a-z0-9_]*");
    assertThatThrownBy(() -> ScriptArgs.NONE.rest("pairs").then("more"))
        .hasMessage("nothing can follow the rest argument pairs");
  }

  @Test
  void theScriptStartsWithItsArgumentConstants() {
    LuaScript script =
        LuaScript.of(
            "probe", "return ARGV[ARG_ID] .. ARGV[ARG_AMOUNT]", ScriptArgs.of("id", "amount"));
    assertThat(script.source()).startsWith("local ARG_ID = 1\nlocal ARG_AMOUNT = 2\nreturn");
    ScriptArgsAssertions.assertReadsArgumentsByName(script);
  }
}
