package com.infrafabric.deploy;

import com.infrafabric.deploy.backup.BackupCli;
import com.infrafabric.deploy.backup.RestoreCli;
import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandFactory;
import com.infrafabric.deploy.cli.ContractCli;
import com.infrafabric.deploy.cli.InstantValue;
import com.infrafabric.deploy.cli.TokenCli;
import com.infrafabric.deploy.cli.UsageErrors;
import com.infrafabric.deploy.client.AgentsCli;
import com.infrafabric.deploy.client.BudgetsCli;
import com.infrafabric.deploy.client.ClaimsCli;
import com.infrafabric.deploy.client.CredentialsCli;
import com.infrafabric.deploy.client.KeysCli;
import com.infrafabric.deploy.client.LedgerCli;
import com.infrafabric.deploy.client.PricingCli;
import com.infrafabric.deploy.client.ReservationsCli;
import com.infrafabric.deploy.client.SpendCli;
import com.infrafabric.deploy.client.ToolsCli;
import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.redis.RedisUnavailableException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The one entry point of the distribution, {@code infrafabric}: the root of its picocli commands. A
 * new subcommand is one class (see {@link CommandFactory}) named in {@code subcommands} below.
 *
 * <p>Exit status: 0 when the command did its work, 1 when it failed, 2 on a usage or configuration
 * error, 130 when interrupted (see {@link #exitCodeFor}). A usage error prints {@code error: ...}
 * and the command's usage; a failure prints one line {@code infrafabric: ...} and never a stack
 * trace, so a configuration mistake shows as the one line naming the key at fault.
 */
@Command(
    name = "infrafabric",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "IF.governor (LLM budgets, task claims) and IF.chassis (WASM tools) in one jar.",
    subcommands = {
      ServeCli.class,
      ProbeCli.class,
      DemoCli.class,
      TokenCli.class,
      ContractCli.class,
      ToolCli.class,
      McpCli.class,
      BudgetsCli.class,
      AgentsCli.class,
      ClaimsCli.class,
      ReservationsCli.class,
      LedgerCli.class,
      KeysCli.class,
      SpendCli.class,
      PricingCli.class,
      ToolsCli.class,
      CredentialsCli.class,
      BackupCli.class,
      RestoreCli.class,
      CommandLine.HelpCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Launcher implements Callable<Integer> {

  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", loggingConfiguration(args));
    }
    System.exit(run(CliContext.ofProcess(), args));
  }

  /** {@code infrafabric} alone prints the usage, as {@code help} does. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** The environment variable both logging configurations read their level from. */
  static final String LOG_LEVEL_VARIABLE = "IF_LOG_LEVEL";

  /** The levels logback knows; it takes any other name for DEBUG, without a word. */
  private static final Set<String> LOG_LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "ALL");

  /**
   * Refuses an {@code IF_LOG_LEVEL} that logback would silently read as DEBUG (a typo, a blank
   * value), which logs every request of a production node.
   *
   * @throws IllegalArgumentException "IF_LOG_LEVEL is 'bogus'; use one of ..."
   */
  static void requireLogLevel(Map<String, String> env) {
    String level = env.get(LOG_LEVEL_VARIABLE);
    if (level != null && !LOG_LEVELS.contains(level.strip().toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          LOG_LEVEL_VARIABLE
              + " is '"
              + level
              + "'; use one of TRACE, DEBUG, INFO, WARN, ERROR, OFF (or unset it)");
    }
  }

  /**
   * The services log JSON lines to stdout; the demo sends them to stderr, from WARN up, because its
   * stdout is the summary a newcomer reads. Chosen before the first logger exists.
   */
  static String loggingConfiguration(String[] args) {
    return args.length > 0 && args[0].equals("demo")
        ? "infrafabric-demo-logback.xml"
        : "infrafabric-logback.xml";
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(new CliContext(System.getenv(), Clock.systemUTC(), out, err), args);
  }

  /** Runs one command line in this process and returns its exit status; tests call this. */
  public static int run(CliContext context, String... args) {
    PrintWriter out = new PrintWriter(context.out(), true);
    PrintWriter err = new PrintWriter(context.err(), true);
    try {
      return commandLine(context).setOut(out).setErr(err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The whole command tree, wired to {@code context}. */
  public static CommandLine commandLine(CliContext context) {
    return new CommandLine(Launcher.class, new CommandFactory(context))
        .registerConverter(Instant.class, new InstantValue())
        .setParameterExceptionHandler(new UsageErrors())
        .setExecutionExceptionHandler(Launcher::failed);
  }

  private static int failed(Exception failure, CommandLine command, ParseResult parsed)
      throws Exception {
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      command.getErr().println("infrafabric: interrupted");
    } else if (failure instanceof RuntimeException) {
      command.getErr().println("infrafabric: " + failure.getMessage());
    } else {
      throw failure;
    }
    return exitCodeFor(failure);
  }

  /**
   * The exit status of a command that failed: 130 when interrupted (as a shell reports SIGINT), 2
   * when the caller's input, the configuration or the environment refused it before anything was
   * sent (a file that cannot be read, an agent contract out of range, a bad key, a port in use, a
   * Redis that would evict; the message says which), 1 for anything else. A Redis that did not
   * answer is 1 whatever wrapped it: an outage passes, and a service manager told not to restart on
   * 2 (the shipped unit is) must go on retrying it, where a configuration error would only fail
   * again.
   */
  static int exitCodeFor(Throwable failure) {
    if (failure instanceof InterruptedException) {
      return 130;
    }
    if (storeUnreachable(failure)) {
      return 1;
    }
    return refusedInput(failure) ? UsageErrors.STATUS : 1;
  }

  private static boolean storeUnreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RedisUnavailableException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code failure} refused the caller's input or configuration. A governor validation
   * failure here is always local (signing an agent contract, loading settings): a service's refusal
   * reaches a command as {@link com.infrafabric.deploy.client.ApiFailure}.
   */
  private static boolean refusedInput(Throwable failure) {
    return failure instanceof IllegalArgumentException
        || failure instanceof IllegalStateException
        || failure instanceof GovernorException invalid
            && (invalid.code().kind() == ErrorCode.Kind.MALFORMED
                || invalid.code().kind() == ErrorCode.Kind.SEMANTIC);
  }
}
