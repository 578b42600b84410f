package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrafabric tools list|publish|invoke}: tools on a running chassis. */
@Command(
    name = "tools",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "List, publish and invoke tools on a running chassis.",
    subcommands = {ToolsCli.ListTools.class, ToolsCli.Publish.class, ToolsCli.Invoke.class})
public final class ToolsCli extends CommandGroup {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Print the tools the token may see (operator, publisher; agent: its own), one page.")
  static final class ListTools extends ClientCommand {

    @Option(names = "--name", paramLabel = "NAME", description = "only this tool's versions")
    private String name;

    @Mixin private PageOptions page;

    ListTools(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    JsonObject request(RestClient client) {
      return client.get(
          page.appendTo(name == null ? "/v1/tools" : "/v1/tools?name=" + segment(name)));
    }

    @Override
    void print(JsonObject answer) {
      Table table = Table.of("NAME", "VERSION", "DIGEST", "BYTES", "REGISTERED_AT");
      for (Object entry : answer.getJsonArray("tools", new JsonArray())) {
        JsonObject tool = (JsonObject) entry;
        table.row(
            tool.getString("name"),
            tool.getString("version"),
            tool.getString("digest"),
            tool.getValue("module_bytes"),
            tool.getString("registered_at"));
      }
      table.print(context.out());
      PageOptions.printNext(answer, context.out());
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Register a module with its signed contract (token: publisher).")
  static final class Publish extends ClientCommand {

    @Option(names = "--module", required = true, paramLabel = "FILE.wasm")
    private Path module;

    @Option(
        names = "--contract",
        required = true,
        paramLabel = "FILE.jws",
        description = "the contract as 'infrafabric contract sign' printed it")
    private Path contract;

    Publish(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    String progressLabel() {
      return "publishing " + module.getFileName() + " (the chassis validates and compiles it)";
    }

    @Override
    JsonObject request(RestClient client) {
      return client.post(
          "/v1/tools",
          new JsonObject()
              .put("module_base64", Base64.getEncoder().encodeToString(InputFiles.bytes(module)))
              .put("contract", InputFiles.text(contract)));
    }

    @Override
    void print(JsonObject answer) {
      context
          .out()
          .println(
              "published "
                  + answer.getString("ref")
                  + " (module "
                  + answer.getString("digest")
                  + ")");
    }
  }

  @Command(
      name = "invoke",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Run a tool once and print its outcome and output (token: agent).")
  static final class Invoke extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    private String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    private String version;

    @Option(names = "--input", required = true, paramLabel = "TEXT", description = "the input")
    private String input;

    Invoke(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    String progressLabel() {
      return "running " + name + "@" + version;
    }

    @Override
    JsonObject request(RestClient client) {
      return client.post(
          "/v1/tools/" + segment(name) + "/" + segment(version) + "/invocations",
          new JsonObject().put("input", input));
    }

    @Override
    void print(JsonObject answer) {
      context.out().println(answer.getString("outcome") + " " + answer.getValue("output"));
      String message = answer.getString("message", "");
      if (!message.isEmpty()) {
        context.out().println(message);
      }
    }
  }
}
