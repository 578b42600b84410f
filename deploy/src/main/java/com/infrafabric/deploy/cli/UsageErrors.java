package com.infrafabric.deploy.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * How every command reports a usage error: {@code error: <one sentence>} on stderr, exit status 2,
 * followed by the usage of the command at fault when the command line is malformed (an option
 * missing or unknown), but not for a value that cannot be read (an instant, a number): the usage
 * says nothing about that value, and would bury the one line that does. The sentences name the
 * option as the user typed it ("missing --private", "--config needs a value", "unknown option
 * --bogus", "unknown command 'frobnicate'", "Invalid value for option '--from': ...").
 */
public final class UsageErrors implements CommandLine.IParameterExceptionHandler {

  /** The exit status of a usage or input error. */
  public static final int STATUS = 2;

  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("error: " + sentence(error, args));
    if (!(error.getCause() instanceof CommandLine.TypeConversionException)) {
      err.print(command.getUsageMessage());
    }
    err.flush();
    return STATUS;
  }

  /** Thrown by a command group run without one of its subcommands. */
  public static ParameterException missingSubcommand(CommandLine group) {
    return new ParameterException(
        group, "missing command, one of: " + String.join(", ", group.getSubcommands().keySet()));
  }

  static String sentence(ParameterException error, String[] args) {
    // picocli checks required options before it reports what it did not recognise; a typo in an
    // option's name is the cause, so it is named first.
    List<String> unmatched = error.getCommandLine().getUnmatchedArguments();
    if (!unmatched.isEmpty()) {
      return unmatched(error.getCommandLine(), unmatched.get(0));
    }
    if (error instanceof CommandLine.MissingParameterException missing
        && !missing.getMissing().isEmpty()) {
      return missing(missing.getMissing().get(0), args);
    }
    if (error instanceof CommandLine.UnmatchedArgumentException other
        && !other.getUnmatched().isEmpty()) {
      return unmatched(error.getCommandLine(), other.getUnmatched().get(0));
    }
    return error.getMessage();
  }

  private static String missing(ArgSpec spec, String[] args) {
    if (!(spec instanceof OptionSpec option)) {
      return "missing " + spec.paramLabel();
    }
    String name = option.longestName();
    return Arrays.asList(args).contains(name) ? name + " needs a value" : "missing " + name;
  }

  private static String unmatched(CommandLine command, String argument) {
    if (argument.startsWith("-")) {
      return "unknown option " + argument;
    }
    return command.getSubcommands().isEmpty()
        ? "unexpected argument '" + argument + "'"
        : "unknown command '" + argument + "'";
  }
}
