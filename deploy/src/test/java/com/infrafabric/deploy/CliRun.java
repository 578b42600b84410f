package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The launcher run in-process as a user runs it: with an environment of its own (HOME under the
 * test's directory, so no user configuration is read) and both output streams captured.
 */
public final class CliRun {

  public final Map<String, String> env = new HashMap<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  public CliRun(Path home) {
    env.put("HOME", home.toString());
  }

  /** Runs {@code infrafabric args...}; its exit status. Each run starts with empty streams. */
  public int run(String... args) {
    out.reset();
    err.reset();
    return Launcher.run(
        new CliContext(
            env,
            Clock.systemUTC(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)),
        args);
  }

  public String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  public String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
