package com.infrafabric.deploy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code token}, {@code contract}, {@code budgets}, ...):
 * run on its own it is a usage error naming the subcommands.
 */
public abstract class CommandGroup implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    throw UsageErrors.missingSubcommand(spec.commandLine());
  }
}
