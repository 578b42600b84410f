package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import java.io.PrintStream;
import picocli.CommandLine.Command;

/** {@code infrafabric pricing get}: the governor's pricing catalogue. */
@Command(
    name = "pricing",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Read the pricing catalogue of a running governor (any token).",
    subcommands = PricingCli.Get.class)
public final class PricingCli extends CommandGroup {

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print each model's price per million tokens, in micro-dollars.")
  static final class Get extends ClientCommand {

    Get(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get("/v1/pricing");
    }

    @Override
    void print(Answer answer, PrintStream out) {
      out.println("catalogue version " + answer.value("version"));
      Table table = Table.of("MODEL", "INPUT/M", "CACHED_INPUT/M", "OUTPUT/M");
      for (Answer model : answer.objects("models")) {
        table.row(
            model.string("model"),
            model.value("input_per_million"),
            model.value("cached_input_per_million"),
            model.value("output_per_million"));
      }
      table.print(out);
    }
  }
}
