package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.deploy.cli.InputCap;
import com.infrafabric.deploy.cli.InputFiles;
import com.infrafabric.deploy.cli.PrivateKeyFile;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.AgentContracts;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.config.Durations;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrafabric agents sign|register|list|get|status}: the governor's agents. */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Sign agent contracts and register, list and manage agents on a running governor.",
    subcommands = {
      AgentsCli.Sign.class,
      AgentsCli.Register.class,
      AgentsCli.ListAgents.class,
      AgentsCli.Get.class,
      AgentsCli.Status.class
    })
public final class AgentsCli extends CommandGroup {

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Print an agent contract signed with an operator key the governor trusts"
              + " (contracts.jwksFile); nothing is sent.")
  static final class Sign implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--private", required = true, paramLabel = "FILE", description = "signing key")
    private Path privateFile;

    @Option(
        names = "--iss",
        required = true,
        paramLabel = "ISSUER",
        description = "the issuer the governor expects (contracts.issuer)")
    private String issuer;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT")
    private String tenant;

    @Option(names = "--id", required = true, paramLabel = "AGENT", description = "the agent's id")
    private String agentId;

    @Option(
        names = "--capability",
        required = true,
        paramLabel = "NAME:LEVEL",
        description = "repeatable; level 1..10 (python:7)")
    private List<String> capabilities;

    @Option(names = "--model", required = true, paramLabel = "MODEL")
    private String model;

    @Option(
        names = "--cost-micros",
        required = true,
        paramLabel = "N",
        description = "its flat price per task, in micro-dollars")
    private long costMicros;

    @Option(
        names = "--slots",
        paramLabel = "N",
        defaultValue = "1",
        description = "tasks it may hold at once (default: ${DEFAULT-VALUE})")
    private int slots;

    @Option(
        names = "--slo",
        paramLabel = "DURATION",
        defaultValue = "30s",
        description = "latency a successful task should stay within (default: ${DEFAULT-VALUE})")
    private String slo;

    @Option(
        names = "--contract-version",
        required = true,
        paramLabel = "N",
        description = "above the registered contract's, to replace it")
    private long version;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        defaultValue = "30d",
        description = "how long the signature is valid (default: ${DEFAULT-VALUE})")
    private String ttl;

    Sign(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      AgentContract contract =
          new AgentContract(
              agentId,
              tenant,
              CapabilitySet.parse(capabilities),
              model,
              costMicros,
              slots,
              Durations.parse("--slo", slo),
              version);
      Duration lifetime = Durations.parse("--ttl", ttl);
      if (lifetime.isNegative()
          || lifetime.isZero()
          || lifetime.compareTo(AgentContracts.MAX_SIGNATURE_LIFETIME) > 0) {
        throw new IllegalArgumentException(
            "--ttl must be positive and at most "
                + AgentContracts.MAX_SIGNATURE_LIFETIME.toDays()
                + " days, the longest a contract's signature is trusted");
      }
      context
          .out()
          .println(
              PrivateKeyFile.read(privateFile, TokenMinter::fromPrivateJwks)
                  .mint(contract.toTokenSpec(issuer, lifetime), context.clock().instant()));
      return 0;
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Register (or upgrade) an agent from its signed contract (token: tenant admin).")
  static final class Register extends ClientCommand {

    @Option(
        names = "--contract",
        required = true,
        paramLabel = "FILE",
        description = "the contract as 'infrafabric agents sign' printed it")
    private Path contract;

    private String signed;

    Register(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    /** A contract is a JWS in compact form: three dot-separated parts, nothing else. */
    @Override
    void check() {
      signed = InputFiles.text("--contract", contract, InputCap.DOCUMENT).strip();
      if (!signed.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "--contract "
                + contract
                + " is not a signed contract (three dot-separated base64url parts, as"
                + " 'infrafabric agents sign' prints it)");
      }
    }

    @Override
    Answer request(RestClient client) {
      return client.post("/v1/agents", new JsonObject().put("contract", signed));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      agentTable(List.of(answer)).print(out);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Print a tenant's agents in id order, one page (token: admin, auditor, dispatcher).")
  static final class ListAgents extends ClientCommand {

    @Parameters(paramLabel = "TENANT")
    private String tenant;

    @Mixin private PageOptions page;

    ListAgents(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get(
          page.appendTo("/v1/agents/" + segment(PathNames.segment("tenant", tenant))));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      agentTable(answer.objects("agents")).print(out);
      PageOptions.printNext(answer, out);
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print one agent (token: admin, auditor, dispatcher).")
  static final class Get extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TENANT")
    private String tenant;

    @Parameters(index = "1", paramLabel = "AGENT")
    private String agent;

    Get(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get(
          "/v1/agents/"
              + segment(PathNames.segment("tenant", tenant))
              + "/"
              + segment(PathNames.segment("agent id", agent)));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      agentTable(List.of(answer)).print(out);
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "Set an agent's status: active, draining (no new tasks) or disabled (token: tenant"
              + " admin).")
  static final class Status extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TENANT")
    private String tenant;

    @Parameters(index = "1", paramLabel = "AGENT")
    private String agent;

    @Parameters(index = "2", paramLabel = "STATUS", description = "active, draining or disabled")
    private String status;

    Status(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    void check() {
      WireNames.of("STATUS", status, AgentStatus.values(), AgentStatus::wireName);
    }

    @Override
    Answer request(RestClient client) {
      return client.put(
          "/v1/agents/"
              + segment(PathNames.segment("tenant", tenant))
              + "/"
              + segment(PathNames.segment("agent id", agent))
              + "/status",
          new JsonObject().put("status", status));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      agentTable(List.of(answer)).print(out);
    }
  }

  private static Table agentTable(List<Answer> agents) {
    Table table =
        Table.of(
            "AGENT", "STATUS", "CAPABILITIES", "MODEL", "COST_MICROS", "SLOTS", "REPUTATION_PPM");
    for (Answer agent : agents) {
      table.row(
          agent.string("agent_id"),
          agent.string("status"),
          String.join(",", agent.strings("capabilities")),
          agent.string("model"),
          agent.value("cost_per_task_micros"),
          agent.value("busy_slots") + "/" + agent.value("slots"),
          agent.value("reputation_ppm"));
    }
    return table;
  }
}
