package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.deploy.cli.CliContext;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Map<String, String> env = new HashMap<>();

  @BeforeAll
  static void start() throws IOException {
    serve = LocalServe.start(directory);
    serve.budget("acme");
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    env.put("XDG_CONFIG_HOME", directory.resolve("config").toString());
    env.put("IF_GOVERNOR_URL", "http://127.0.0.1:" + serve.governorPort);
    return Launcher.run(
        new CliContext(
            env,
            Clock.systemUTC(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)),
        args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Signs the contract of agent {@code id} of acme with the local operator key; its file. */
  private Path signed(String id, String capability, int version) throws IOException {
    assertThat(
            run(
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
                "1000",
                "--slots",
                "2",
                "--contract-version",
                Integer.toString(version)))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    return Files.writeString(directory.resolve(id + "-" + version + ".jws"), stdout());
  }

  @Test
  void anOperatorSignsRegistersListsAndDrainsAgents() throws IOException {
    env.put("IF_TOKEN", serve.tenantToken("admin", "acme"));
    for (String id : List.of("cli-a", "cli-b")) {
      Path contract = signed(id, "translate:4", 1);
      assertThat(run("agents", "register", "--contract", contract.toString()))
          .as(err.toString(StandardCharsets.UTF_8))
          .isZero();
      assertThat(stdout()).containsPattern(id + " +active +translate:4 +gpt-4o +1000 +0/2 ");
    }

    List<String> listed = new ArrayList<>();
    String cursor = null;
    do {
      assertThat(
              cursor == null
                  ? run("agents", "list", "acme", "--limit", "1", "--json")
                  : run("agents", "list", "acme", "--limit", "1", "--json", "--cursor", cursor))
          .isZero();
      JsonObject page = new JsonObject(stdout());
      page.getJsonArray("agents").forEach(a -> listed.add(((JsonObject) a).getString("agent_id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertThat(listed).contains("cli-a", "cli-b");

    assertThat(run("agents", "status", "acme", "cli-b", "draining")).isZero();
    assertThat(stdout()).containsPattern("cli-b +draining ");
    assertThat(run("agents", "get", "acme", "cli-b", "--json")).isZero();
    assertThat(new JsonObject(stdout()).getString("status")).isEqualTo("draining");
  }

  @Test
  void aDispatcherClaimsATaskOnceHeartbeatsAndFinishesIt() throws IOException {
    env.put("IF_TOKEN", serve.tenantToken("admin", "acme"));
    assertThat(
            run("agents", "register", "--contract", signed("cli-w", "summarize:5", 1).toString()))
        .isZero();
    env.put("IF_TOKEN", serve.tenantToken("dispatcher", "acme"));
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

    assertThat(run(claim)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonObject claimed = new JsonObject(stdout());
    assertThat(claimed.getString("agent_id")).isEqualTo("cli-w");
    assertThat(run(claim)).as("the same claim again is its replay").isZero();
    assertThat(new JsonObject(stdout()).getString("lease_id"))
        .isEqualTo(claimed.getString("lease_id"));
    assertThat(new JsonObject(stdout()).getBoolean("replayed")).isTrue();

    String lease = claimed.getString("lease_id");
    assertThat(run("claims", "heartbeat", lease, "--agent", "cli-w")).isZero();
    assertThat(stdout()).containsPattern("active +20");

    assertThat(
            run(
                "claims",
                "finish",
                lease,
                "--agent",
                "cli-w",
                "--outcome",
                "succeeded",
                "--actual-micros",
                "700"))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(stdout()).containsPattern("succeeded +700 +");
  }

  @Test
  void aContractThatBreaksItsRulesFailsNamingTheField() {
    assertThat(
            run(
                "agents",
                "sign",
                "--private",
                serve.data.resolve("keys/signing-private.json").toString(),
                "--iss",
                LocalKeys.ISSUER,
                "--tenant",
                "acme",
                "--id",
                "x",
                "--capability",
                "translate:4",
                "--model",
                "gpt-4o",
                "--cost-micros",
                "0",
                "--contract-version",
                "1"))
        .isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cost_per_task_micros");
  }
}
