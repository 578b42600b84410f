package com.infrafabric.deploy.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  /**
   * This process's environment, the system clock, and its standard output and error written as
   * UTF-8 whatever the locale: JDK 17 writes {@code System.out} in the locale's charset, which in a
   * POSIX locale (containers, systemd, CI) turned every non-ASCII character of a scope, a model or
   * a message into {@code ?}.
   */
  public static CliContext ofProcess() {
    return new CliContext(
        System.getenv(), Clock.systemUTC(), utf8(FileDescriptor.out), utf8(FileDescriptor.err));
  }

  private static PrintStream utf8(FileDescriptor stream) {
    return new PrintStream(new FileOutputStream(stream), true, StandardCharsets.UTF_8);
  }
}
