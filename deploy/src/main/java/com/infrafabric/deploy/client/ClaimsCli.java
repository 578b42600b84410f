package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.deploy.cli.JsonFile;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.claim.TaskSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code infrafabric claims claim|heartbeat|finish}: hand tasks to agents and report how they went.
 * A claim or finish is named by an idempotency key derived from the task or lease (or given with
 * {@code --idempotency-key}), and a heartbeat needs none (sent again, it extends the lease again),
 * so running a command again after a lost answer is safe.
 */
@Command(
    name = "claims",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Claim tasks for the best qualified agent and heartbeat or finish their leases on a running"
            + " governor (token: dispatcher; heartbeat and finish also agent).",
    subcommands = {ClaimsCli.Claim.class, ClaimsCli.Heartbeat.class, ClaimsCli.Finish.class})
public final class ClaimsCli extends CommandGroup {

  /** The longest idempotency key the governor takes. */
  private static final int MAX_KEY = 128;

  @Command(
      name = "claim",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Hand a task to the best eligible agent; prints its lease (token: dispatcher).")
  static final class Claim extends ClientCommand {

    @Option(names = "--task", required = true, paramLabel = "TASK", description = "the task's id")
    private String task;

    @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "its budget")
    private String scope;

    @Option(
        names = "--require",
        required = true,
        paramLabel = "NAME:LEVEL",
        description = "repeatable; a capability the agent needs (python:5)")
    private List<String> required;

    @Option(names = "--max-cost-micros", required = true, paramLabel = "N")
    private long maxCostMicros;

    @Option(
        names = "--max-agents",
        paramLabel = "N",
        description = "agents the task may go to in turn (default: the tenant policy's)")
    private Integer maxAgents;

    @Option(
        names = "--grant",
        paramLabel = "FILE.json",
        description =
            "the grant to sign for the agent: {\"tools\":[...],\"capabilities\":[...],...}")
    private Path grant;

    @Option(
        names = "--idempotency-key",
        paramLabel = "KEY",
        description = "names this claim (default: claim-TASK)")
    private String idempotencyKey;

    private JsonObject grantJson;

    Claim(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    void check() {
      try {
        TaskSpec.required(required);
      } catch (GovernorException refused) {
        throw new IllegalArgumentException("--require: " + refused.getMessage());
      }
      if (grant != null) {
        grantJson = JsonFile.object("--grant", grant);
      }
    }

    @Override
    Answer request(RestClient client) {
      JsonObject body =
          new JsonObject()
              .put("task_id", task)
              .put("scope", scope)
              .put("required", new JsonArray(required))
              .put("max_cost_micros", maxCostMicros);
      if (maxAgents != null) {
        body.put("max_agents", maxAgents);
      }
      if (grantJson != null) {
        body.put("grant", grantJson);
      }
      return client.post("/v1/claims", body, key(idempotencyKey, "claim-", task));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table.of("TASK", "AGENT", "LEASE", "EXPIRES_AT", "RESERVED_MICROS", "GRANT")
          .row(
              answer.string("task_id"),
              answer.string("agent_id"),
              answer.string("lease_id"),
              answer.string("expires_at"),
              answer.value("reserved_micros"),
              answer.optional("grant") == null ? "-" : "yes (--json shows it)")
          .print(out);
    }
  }

  @Command(
      name = "heartbeat",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Extend a lease and its reservation (token: the agent, or a dispatcher).")
  static final class Heartbeat extends ClientCommand {

    @Parameters(paramLabel = "LEASE")
    private String lease;

    @Option(names = "--agent", paramLabel = "AGENT", description = "required for a dispatcher")
    private String agent;

    Heartbeat(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      JsonObject body = new JsonObject();
      if (agent != null) {
        body.put("agent_id", agent);
      }
      return client.post("/v1/leases/" + segment(PathNames.lease(lease)) + "/heartbeat", body);
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table.of("LEASE", "STATE", "EXPIRES_AT")
          .row(answer.string("lease_id"), answer.string("state"), answer.optional("expires_at"))
          .print(out);
    }
  }

  @Command(
      name = "finish",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description =
          "End a lease with its outcome and what it spent (token: the agent, or a dispatcher).")
  static final class Finish extends ClientCommand {

    @Parameters(paramLabel = "LEASE")
    private String lease;

    @Option(names = "--agent", paramLabel = "AGENT", description = "required for a dispatcher")
    private String agent;

    @Option(
        names = "--outcome",
        required = true,
        paramLabel = "OUTCOME",
        description = "succeeded, failed or abandoned")
    private String outcome;

    @Option(
        names = "--actual-micros",
        paramLabel = "N",
        description = "what the task spent (default: 0)")
    private Long actualMicros;

    @Option(names = "--latency-ms", paramLabel = "N", description = "how long the task took")
    private Long latencyMs;

    @Option(
        names = "--idempotency-key",
        paramLabel = "KEY",
        description = "names this report (default: finish-LEASE)")
    private String idempotencyKey;

    Finish(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    void check() {
      WireNames.of("--outcome", outcome, TaskOutcome.values(), TaskOutcome::wireName);
    }

    @Override
    Answer request(RestClient client) {
      JsonObject body = new JsonObject().put("outcome", outcome);
      if (agent != null) {
        body.put("agent_id", agent);
      }
      if (actualMicros != null) {
        body.put("amount_micros", actualMicros);
      }
      if (latencyMs != null) {
        body.put("latency_ms", latencyMs);
      }
      return client.post(
          "/v1/leases/" + segment(PathNames.lease(lease)) + "/finish",
          body,
          key(idempotencyKey, "finish-", lease));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table.of("LEASE", "OUTCOME", "ACTUAL_MICROS", "RELEASED_MICROS", "REPUTATION_PPM")
          .row(
              answer.string("lease_id"),
              answer.string("outcome"),
              answer.value("actual_micros"),
              answer.value("released_micros"),
              answer.optional("reputation_ppm"))
          .print(out);
    }
  }

  /**
   * {@code given}, or {@code prefix + name} with each character an idempotency key may not hold
   * ({@code A-Z a-z 0-9 . _ : -} only) replaced by {@code -}, cut to the longest key.
   */
  private static String key(String given, String prefix, String name) {
    if (given != null) {
      return given;
    }
    String key = (prefix + name).replaceAll("[^A-Za-z0-9._:-]", "-");
    return key.length() > MAX_KEY ? key.substring(0, MAX_KEY) : key;
  }
}
