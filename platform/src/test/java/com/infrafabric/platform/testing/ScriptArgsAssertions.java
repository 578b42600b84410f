package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.ScriptArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

  /**
   * The Lua files of one module, under {@code root}: none reads an argument by position, and each
   * lies where {@code layout} (a regular expression over the path below {@code root}, {@code /}
   * separated) says its area keeps it.
   */
  public static void assertLuaFilesNamedAndPlaced(Path root, String layout) throws IOException {
    Pattern position = Pattern.compile("ARGV\\[\\s*\\d");
    for (Path file : luaFiles(root)) {
      assertThat(position.matcher(Files.readString(file)).find())
          .as(file + " reads an argument by position")
          .isFalse();
      assertThat(root.relativize(file).toString().replace('\\', '/')).matches(layout);
    }
  }

  /** Every {@code .lua} file below {@code root}. */
  public static List<Path> luaFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".lua")).toList();
    }
  }
}
