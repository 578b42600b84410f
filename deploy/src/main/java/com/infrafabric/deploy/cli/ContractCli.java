package com.infrafabric.deploy.cli;

import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.platform.auth.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code infrafabric contract sign}: the publishers' contract tool. */
@Command(
    name = "contract",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "contract sign: sign a tool's contract for its module.",
    subcommands = ContractCli.Sign.class)
public final class ContractCli extends CommandGroup {

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Print the contract for the module (its digest filled in), signed with the one private"
              + " EC P-256 key in KEY.json.")
  static final class Sign implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--module", required = true, paramLabel = "FILE.wasm")
    private Path module;

    @Option(names = "--contract", required = true, paramLabel = "FILE.json")
    private Path contract;

    @Option(names = "--private", required = true, paramLabel = "KEY.json")
    private Path key;

    Sign(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      context
          .out()
          .println(
              ContractSigner.sign(
                  InputFiles.bytes("--module", module, InputCap.MODULE),
                  new String(
                      InputFiles.bytes("--contract", contract, InputCap.DOCUMENT),
                      StandardCharsets.UTF_8),
                  PrivateKeyFile.read(key, SigningKey::fromPrivateJwks)));
      return 0;
    }
  }
}
