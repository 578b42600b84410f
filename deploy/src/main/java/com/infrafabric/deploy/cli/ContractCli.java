package com.infrafabric.deploy.cli;

import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.platform.auth.SigningKey;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The publishers' contract tool.
 *
 * <pre>
 * sign --module FILE.wasm --contract FILE.json --private KEY.json
 *     prints the contract for the module, signed with the one private EC P-256 key in KEY.json
 * </pre>
 *
 * Exit status: 0 on success, 1 when a file cannot be read, 2 on a usage or contract error.
 */
public final class ContractCli {

  static final String USAGE =
      "usage: infrafabric contract sign --module FILE.wasm --contract FILE.json --private KEY.json";
  private static final Set<String> SIGN = Set.of("--module", "--contract", "--private");

  private ContractCli() {}

  /** Runs one command and returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "" : args[0];
    return CliStatus.run(
        err,
        USAGE,
        () -> {
          if (!command.equals("sign")) {
            throw new IllegalArgumentException("unknown command '" + command + "'");
          }
          out.println(sign(CliOptions.parse(args, 1, SIGN)));
        });
  }

  private static String sign(CliOptions options) {
    Path module = Path.of(options.required("--module"));
    Path contract = Path.of(options.required("--contract"));
    Path key = Path.of(options.required("--private"));
    return ContractSigner.sign(
        read(module), new String(read(contract), StandardCharsets.UTF_8), SigningKey.load(key));
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
