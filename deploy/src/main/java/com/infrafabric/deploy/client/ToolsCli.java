package com.infrafabric.deploy.client;

import com.infrafabric.chassis.http.InvocationRoutes;
import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.deploy.cli.GrantOption;
import com.infrafabric.deploy.cli.InputCap;
import com.infrafabric.deploy.cli.InputFiles;
import com.infrafabric.deploy.cli.ToolInputOption;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
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
    Answer request(RestClient client) {
      return client.get(
          page.appendTo(name == null ? "/v1/tools" : "/v1/tools?name=" + segment(name)));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table = Table.of("NAME", "VERSION", "DIGEST", "BYTES", "REGISTERED_AT");
      for (Answer tool : answer.objects("tools")) {
        table.row(
            tool.string("name"),
            tool.string("version"),
            tool.string("digest"),
            tool.value("module_bytes"),
            tool.string("registered_at"));
      }
      table.print(out);
      PageOptions.printNext(answer, out);
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

    private byte[] moduleBytes;
    private String signed;

    Publish(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    void check() {
      moduleBytes = InputFiles.bytes("--module", module, InputCap.MODULE);
      signed = InputFiles.text("--contract", contract, InputCap.DOCUMENT);
    }

    @Override
    String progressLabel() {
      return "publishing " + module.getFileName() + " (the chassis validates and compiles it)";
    }

    @Override
    Answer request(RestClient client) {
      return client.post(
          "/v1/tools",
          new JsonObject()
              .put("module_base64", Base64.getEncoder().encodeToString(moduleBytes))
              .put("contract", signed));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      out.println(
          "published " + answer.string("ref") + " (module " + answer.string("digest") + ")");
    }
  }

  @Command(
      name = "invoke",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Run a tool once and print its outcome and output, as JSON (token: agent; a tool"
              + " that uses an LLM or credentials needs the grant 'claims claim' printed).")
  static final class Invoke extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    private String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    private String version;

    @Mixin private ToolInputOption input;

    @Mixin private GrantOption grant;

    Invoke(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    String progressLabel() {
      return "running " + name + "@" + version;
    }

    @Override
    Answer request(RestClient client) {
      RestClient sender =
          grant
              .value()
              .map(g -> client.withHeader(InvocationRoutes.GRANT_HEADER, g))
              .orElse(client);
      return sender.post(
          "/v1/tools/"
              + segment(PathNames.tool(name))
              + "/"
              + segment(PathNames.version(version))
              + "/invocations",
          new JsonObject().put("input", input.value()));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      out.println(answer.string("outcome") + " " + Json.encode(answer.optional("output")));
      Object message = answer.optional("message");
      if (message != null && !message.toString().isEmpty()) {
        out.println(message);
      }
    }
  }
}
