package com.infrafabric.deploy.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a command reads from the process around it: the environment, the clock and the two output
 * streams. Tests run commands in-process with their own.
 *
 * @param env the environment variables ({@code IF_*}, {@code REDIS_URL}, ...)
 * @param clock the time tokens are minted at
 * @param out where a command's result goes (a token, a table, JSON)
 * @param err where messages for the human go
 */
public record CliContext(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {

  public CliContext {
    env = Map.copyOf(env);
  }

  /** This process's environment, the system clock, {@code System.out} and {@code System.err}. */
  public static CliContext ofProcess() {
    return new CliContext(System.getenv(), Clock.systemUTC(), System.out, System.err);
  }
}
