package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code infrafabric demo}: the end-to-end scenario (see {@link DemoCommand}). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Run the end-to-end scenario on a fresh embedded redis-server (or REDIS_URL): publish signed"
          + " tools, register agents, claim and run tasks under grants, print a summary.",
      "Exit status 0 only if every invariant holds."
    })
final class DemoCli implements Callable<Integer> {

  private final CliContext context;

  DemoCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    return new DemoCommand(context.env(), context.clock()).run(context.out());
  }
}
