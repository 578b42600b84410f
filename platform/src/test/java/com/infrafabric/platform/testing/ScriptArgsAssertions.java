package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.ScriptArgs;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a Lua script reads its arguments only by the names its {@link ScriptArgs} declares:
 * no {@code ARGV[<number>]}, no {@code ARG_<NAME>} that is not declared, no declared argument that
 * the script never reads. Shared by every module that declares script arguments.
 */
public final class ScriptArgsAssertions {

  private static final Pattern POSITION = Pattern.compile("ARGV\\[\\s*\\d");
  private static final Pattern NAME = Pattern.compile("\\bARG_[A-Z0-9_]+\\b");
  private static final Pattern DECLARATION =
      Pattern.compile("^local (ARG_[A-Z0-9_]+) = ", Pattern.MULTILINE);

  private ScriptArgsAssertions() {}

  /** Fails naming the script and the argument if {@code script} reads any argument by position. */
  public static void assertReadsArgumentsByName(LuaScript script) {
    String declarations = script.args().luaConstants();
    String body = script.source().replace(declarations, "");
    assertThat(POSITION.matcher(body).find())
        .as("%s reads ARGV[<number>]; declare the argument in its ScriptArgs", script.name())
        .isFalse();
    Set<String> declared = names(DECLARATION.matcher(declarations), 1);
    Set<String> read = names(NAME.matcher(body), 0);
    assertThat(read).as("arguments %s reads", script.name()).isSubsetOf(declared);
    assertThat(declared).as("arguments %s declares", script.name()).isSubsetOf(read);
  }

  private static Set<String> names(Matcher matcher, int group) {
    Set<String> names = new TreeSet<>();
    while (matcher.find()) {
      names.add(matcher.group(group));
    }
    return names;
  }
}
