package com.infrafabric.deploy.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The exit status every command-line tool of the distribution shares ({@link TokenCli}, the
 * contract signer): 0 when the command ran, 1 when a file could not be used, 2 on a usage or input
 * error, which is printed with the usage. Messages go to {@code err}; stack traces never do.
 */
public final class CliStatus {

  private CliStatus() {}

  /** Runs {@code command} and returns its exit status. */
  public static int run(PrintStream err, String usage, Runnable command) {
    try {
      command.run();
      return 0;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(usage);
      return 2;
    }
  }
}
