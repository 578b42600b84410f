package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.AnswerDeadline;
import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.GrantOption;
import com.infrafabric.deploy.cli.TokenInput;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infrafabric mcp}: the stdio bridge to the chassis's MCP endpoint ({@link McpBridge}). */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Bridge an MCP client that launches local servers (stdio) to the chassis's MCP endpoint, as"
          + " the agent the token names: JSON-RPC lines on stdin, answers and notifications on"
          + " stdout."
    })
final class McpCli implements Callable<Integer> {

  /** The agent's token, given inline or, kept out of the process list, in a file. */
  static final class Token {
    @Option(
        names = "--token",
        description = "the agent's bearer token (prefer --token-file: arguments are visible to ps)")
    String inline;

    @Option(names = "--token-file", description = "a file holding the agent's bearer token")
    Path file;

    /** The token, checked as every command checks one ({@link TokenInput}). */
    String value() {
      return inline != null
          ? TokenInput.of("--token", inline)
          : TokenInput.read("--token-file", file);
    }
  }

  private final CliContext context;

  @Option(
      names = "--url",
      required = true,
      description = "the chassis's MCP endpoint, e.g. http://127.0.0.1:8081/mcp")
  URI url;

  @ArgGroup(multiplicity = "1")
  Token token;

  @Mixin GrantOption grant;

  McpCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "mcp: --url must be an http(s) URL, e.g. http://127.0.0.1:8081/mcp");
    }
    McpBridge bridge =
        new McpBridge(
            url,
            AnswerDeadline.PER_REQUEST,
            token.value(),
            grant.value(),
            context.out(),
            context.err());
    Runtime.getRuntime().addShutdownHook(bridge.stopHook());
    return bridge.pump(System.in);
  }
}
