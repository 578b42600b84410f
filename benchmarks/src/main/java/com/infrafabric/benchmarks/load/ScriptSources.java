package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.CommandLine;
import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.platform.redis.LuaScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes the claim path's scripts as Redis is sent them ({@code <name>.lua}: the composed function
 * library, with its argument constants) into a folder, for {@code
 * benchmarks/lua/claim_instructions.lua}, which counts their Lua VM instructions outside Redis. Run
 * against another build's governor classes, it writes that build's scripts:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ScriptSources DIR
 * lua5.1 benchmarks/lua/claim_instructions.lua DIR
 * </pre>
 */
public final class ScriptSources {

  private static final String USAGE = "usage: ScriptSources DIR   (the folder to write into)\n";

  private ScriptSources() {}

  public static void main(String[] args) {
    Optional<Path> folder = CommandLine.parse(USAGE, args, ScriptSources::folder);
    folder.ifPresent(dir -> write(dir, ClaimEngine.scripts()));
  }

  private static Path folder(List<String> args) {
    if (args.size() != 1) {
      throw new IllegalArgumentException("expected one argument, the folder to write into");
    }
    return Path.of(args.get(0));
  }

  private static void write(Path dir, List<LuaScript> scripts) {
    try {
      Files.createDirectories(dir);
      for (LuaScript script : scripts) {
        Files.writeString(
            dir.resolve(script.name() + ".lua"), script.source(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the scripts into " + dir, e);
    }
  }
}
