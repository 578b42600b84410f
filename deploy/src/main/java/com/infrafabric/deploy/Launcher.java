package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.ContractCli;
import com.infrafabric.deploy.cli.TokenCli;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;

/**
 * The one entry point of the distribution: {@code infrafabric
 * serve|demo|token|contract|tool|mcp|help}.
 *
 * <p>Configuration mistakes end the process with status 2 and one line naming the key at fault;
 * nothing else is printed to stderr for them (no stack trace).
 */
public final class Launcher {

  static final String USAGE =
      String.join(
          "\n",
          "usage: infrafabric <command> [options]",
          "",
          "  serve [--config FILE] [--data DIR]",
          "      run the governor (port 8080) and the chassis (port 8081) until SIGTERM/SIGINT.",
          "      Without REDIS_URL a private redis-server is started under DIR/redis (default",
          "      ./var). Without auth.jwksFile a token signing key, a contract publisher key and",
          "      admin, auditor, publisher and operator tokens are created under DIR/keys and",
          "      DIR/tokens.",
          "  demo",
          "      run the end-to-end scenario on a fresh embedded redis-server (or REDIS_URL): publish",
          "      signed tools, register agents, claim and run tasks under grants, print a summary;",
          "      exit status 0 only if every invariant holds.",
          "  token keygen|mint ...",
          "      create a signing key pair or mint a token (run 'infrafabric token' for options).",
          "  contract sign --module FILE.wasm --contract FILE.json --private KEY.json",
          "      print the contract for the module, signed with a publisher's ES256 key.",
          "  mcp --url URL (--token TOKEN | --token-file FILE) [--grant GRANT]",
          "      bridge an MCP client that launches local servers (stdio) to the chassis's MCP",
          "      endpoint, e.g. --url http://127.0.0.1:8081/mcp, as the agent the token names.",
          "  tool init --lang rust|assemblyscript|c [--dir DIR] NAME",
          "      write a new tool project: contract, source on the SDK, build.sh, test.sh.",
          "  help",
          "      this text.");

  private Launcher() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", loggingConfiguration(args));
    }
    System.exit(run(args, System.out, System.err));
  }

  /**
   * The services log JSON lines to stdout; the demo and the MCP bridge send them to stderr, from
   * WARN up, because their stdout is the summary a newcomer reads or the protocol. Chosen before
   * the first logger exists.
   */
  static String loggingConfiguration(String[] args) {
    return args.length > 0 && (args[0].equals("demo") || args[0].equals("mcp"))
        ? "infrafabric-demo-logback.xml"
        : "infrafabric-logback.xml";
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    try {
      switch (command) {
        case "serve":
          return ServeCommand.fromArgs(rest, System.getenv(), Clock.systemUTC()).run(out);
        case "demo":
          return new DemoCommand(System.getenv(), Clock.systemUTC()).run(out);
        case "contract":
          return ContractCli.run(rest, out, err);
        case "tool":
          return ToolScaffold.run(rest, out, err);
        case "mcp":
          return McpBridge.run(rest, System.in, out, err);
        case "token":
          TokenCli.main(rest);
          return 0;
        case "help":
        case "--help":
        case "-h":
          out.println(USAGE);
          return 0;
        default:
          err.println("infrafabric: unknown command '" + command + "'\n\n" + USAGE);
          return 2;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("infrafabric: interrupted");
      return exitCodeFor(e);
    } catch (RuntimeException e) {
      err.println("infrafabric: " + e.getMessage());
      return exitCodeFor(e);
    }
  }

  /**
   * The exit status of a command that failed: 130 when interrupted (as a shell reports SIGINT), 2
   * when the configuration or the environment refused the launch (a bad key, a port in use, an
   * unreachable Redis; the message says which), 1 for anything else.
   */
  static int exitCodeFor(Throwable failure) {
    if (failure instanceof InterruptedException) {
      return 130;
    }
    return failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
        ? 2
        : 1;
  }
}
