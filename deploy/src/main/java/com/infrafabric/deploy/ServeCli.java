package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code infrafabric serve}: runs both services until SIGTERM/SIGINT (see {@link ServeCommand}).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Run the governor (port 8080) and the chassis (port 8081) until SIGTERM/SIGINT.",
      "Without REDIS_URL a private redis-server is started under DIR/redis. Without"
          + " auth.jwksFile a token signing key, a contract publisher key and admin, auditor,"
          + " publisher and operator tokens are created under DIR/keys and DIR/tokens."
    })
final class ServeCli implements Callable<Integer> {

  private final CliContext context;

  @Option(names = "--config", paramLabel = "FILE", description = "a properties file")
  private Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "keys, tokens and the embedded Redis (default: $IF_DATA_DIR or ./var)")
  private Path data;

  ServeCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    LaunchOptions options = LaunchOptions.of(config, data, context.env());
    return ServeCommand.of(options, context.env(), context.clock()).run(context.out());
  }
}
