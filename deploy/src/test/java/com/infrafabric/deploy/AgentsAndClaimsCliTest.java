package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agents} and {@code claims} against a real {@code serve}: an operator signs and registers
 * agents, lists and drains them; a dispatcher claims a task, heartbeats and finishes its lease.
 */
@Timeout(120)
class AgentsAndClaimsCliTest {

  @TempDir static Path directory;
  private static LocalServe serve;

  private CliRun cli;

  @BeforeEach
  void newRun() {
    cli = new CliRun(directory.resolve("home"));
    cli.env.put("XDG_CONFIG_HOME", directory.resolve("config").toString());
    cli.env.put("IF_GOVERNOR_URL", "http://127.0.0.1:" + serve.governorPort);
  }

  @BeforeAll
  static void start() throws IOException {
    serve = LocalServe.start(directory);
    serve.budget("acme");
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  /** {@code agents sign} of agent {@code id} of acme with the local operator key. */
  private int sign(String id, String capability, long costMicros, int version) {
    return cli.run(
        "agents",
        "sign",
        "--private",
        serve.data.resolve("keys/signing-private.json").toString(),
        "--iss",
        LocalKeys.ISSUER,
        "--tenant",
        "acme",
        "--id",
        id,
        "--capability",
        capability,
        "--model",
        "gpt-4o",
        "--cost-micros",
        Long.toString(costMicros),
        "--slots",
        "2",
        "--contract-version",
        Integer.toString(version));
  }

  /** The file of the contract {@link #sign} printed. */
  private Path signed(String id, String capability, int version) throws IOException {
    assertThat(sign(id, capability, 1000, version)).as(cli.stderr()).isZero();
    return Files.writeString(directory.resolve(id + "-" + version + ".jws"), cli.stdout());
  }

  @Test
  void anOperatorSignsRegistersListsAndDrainsAgents() throws IOException {
    cli.env.put("IF_TOKEN", serve.tenantToken("admin", "acme"));
    for (String id : List.of("cli-a", "cli-b")) {
      Path contract = signed(id, "translate:4", 1);
      assertThat(cli.run("agents", "register", "--contract", contract.toString()))
          .as(cli.stderr())
          .isZero();
      assertThat(cli.stdout()).containsPattern(id + " +active +translate:4 +gpt-4o +1000 +0/2 ");
    }

    List<String> listed = new ArrayList<>();
    String cursor = null;
    do {
      assertThat(
              cursor == null
                  ? cli.run("agents", "list", "acme", "--limit", "1", "--json")
                  : cli.run("agents", "list", "acme", "--limit", "1", "--json", "--cursor", cursor))
          .isZero();
      JsonObject page = new JsonObject(cli.stdout());
      page.getJsonArray("agents").forEach(a -> listed.add(((JsonObject) a).getString("agent_id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertThat(listed).contains("cli-a", "cli-b");

    assertThat(cli.run("agents", "status", "acme", "cli-b", "draining")).isZero();
    assertThat(cli.stdout()).containsPattern("cli-b +draining ");
    assertThat(cli.run("agents", "get", "acme", "cli-b", "--json")).isZero();
    assertThat(new JsonObject(cli.stdout()).getString("status")).isEqualTo("draining");
  }

  @Test
  void aDispatcherClaimsATaskOnceHeartbeatsAndFinishesIt() throws IOException {
    cli.env.put("IF_TOKEN", serve.tenantToken("admin", "acme"));
    assertThat(
            cli.run(
                "agents", "register", "--contract", signed("cli-w", "summarize:5", 1).toString()))
        .isZero();
    cli.env.put("IF_TOKEN", serve.tenantToken("dispatcher", "acme"));
    String[] claim = {
      "claims",
      "claim",
      "--task",
      "cli-task-1",
      "--scope",
      "acme",
      "--require",
      "summarize:5",
      "--max-cost-micros",
      "5000",
      "--json"
    };

    assertThat(cli.run(claim)).as(cli.stderr()).isZero();
    JsonObject claimed = new JsonObject(cli.stdout());
    assertThat(claimed.getString("agent_id")).isEqualTo("cli-w");
    assertThat(cli.run(claim)).as("the same claim again is its replay").isZero();
    assertThat(new JsonObject(cli.stdout()).getString("lease_id"))
        .isEqualTo(claimed.getString("lease_id"));
    assertThat(new JsonObject(cli.stdout()).getBoolean("replayed")).isTrue();

    String lease = claimed.getString("lease_id");
    assertThat(cli.run("claims", "heartbeat", lease, "--agent", "cli-w")).isZero();
    assertThat(cli.stdout()).containsPattern("active +20");

    assertThat(
            cli.run(
                "claims",
                "finish",
                lease,
                "--agent",
                "cli-w",
                "--outcome",
                "succeeded",
                "--actual-micros",
                "700"))
        .as(cli.stderr())
        .isZero();
    assertThat(cli.stdout()).containsPattern("succeeded +700 +");

    cli.env.put("IF_TOKEN", serve.tenantToken("auditor", "acme"));
    assertThat(cli.run("reservations", "list", "--state", "finished", "--json"))
        .as(cli.stderr())
        .isZero();
    assertThat(new JsonObject(cli.stdout()).getJsonArray("reservations").stream())
        .map(r -> ((JsonObject) r).getString("reservation_id"))
        .contains(claimed.getString("reservation_id"));
    assertThat(cli.run("reservations", "list", "--scope", "acme", "--state", "finished")).isZero();
    assertThat(cli.stdout())
        .containsPattern(
            Pattern.quote(claimed.getString("reservation_id")) + " +acme +committed +");
  }

  @Test
  void aContractThatBreaksItsRulesFailsNamingTheField() {
    assertThat(sign("x", "translate:4", 0, 1)).isEqualTo(2);

    assertThat(cli.stderr()).contains("cost_per_task_micros");
  }
}
