package com.infrafabric.deploy.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates command objects for picocli: a command with a constructor taking a {@link CliContext}
 * gets this run's context, any other class picocli's default way. So a new subcommand is one class
 * that asks for the context it needs, plus its name in the parent's {@code subcommands}.
 */
public final class CommandFactory implements CommandLine.IFactory {

  private final CliContext context;

  public CommandFactory(CliContext context) {
    this.context = context;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    Constructor<K> withContext;
    try {
      withContext = type.getDeclaredConstructor(CliContext.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(type);
    }
    withContext.setAccessible(true);
    return withContext.newInstance(context);
  }
}
