package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client command pointed at a server that is not the InfraFabric service (a web page, a proxy, an
 * unrelated JSON API) fails with one line naming that server, exit status 1, and prints nothing on
 * stdout. Regression: any 2xx counted as success whatever its body, so {@code budgets set} printed
 * an empty table, {@code pricing get} "catalogue version null" and {@code keys create} "secret: not
 * shown (a replay)", all with exit status 0.
 */
@Timeout(60)
class ForeignAnswerTest {

  private static final String TOKEN =
      segment("{\"alg\":\"ES256\",\"kid\":\"k1\"}")
          + "."
          + segment("{\"sub\":\"ops-admin\"}")
          + "."
          + segment("signature bytes");

  /** Each client command once, as a user types it (without --url and --token). */
  private static final List<List<String>> COMMANDS =
      List.of(
          List.of("budgets", "set", "cd-t1", "--cap", "day=1000"),
          List.of("budgets", "status", "cd-t1"),
          List.of("budgets", "list", "--json"),
          List.of("pricing", "get"),
          List.of("keys", "create", "--scope", "a", "--models", "*", "--rpm", "1", "--tpm", "1"),
          List.of("keys", "revoke", "acme", "k0123456789abcdef0123"),
          List.of("agents", "list", "acme"),
          List.of("claims", "heartbeat", "acme/task-1#1"),
          List.of("reservations", "list"),
          List.of("ledger", "tail", "acme"),
          List.of("ledger", "export", "acme", "--csv"),
          List.of("spend"),
          List.of("spend", "--json"),
          List.of("spend", "--csv"));

  private static final List<List<String>> CHASSIS_COMMANDS =
      List.of(
          List.of("tools", "list"),
          List.of("tools", "invoke", "echo", "1.0.0", "--input", "\"x\""),
          List.of("credentials", "list"),
          List.of("credentials", "delete", "openai"));

  @RegisterExtension final FakeServiceCli fake = FakeServiceCli.recording("Authorization");

  @Test
  void aWebPageIsNotAnAnswer() {
    answer("text/html; charset=utf-8", "<html><body>It works!</body></html>");
    everyCommandFails("governor", COMMANDS);
    everyCommandFails("chassis", CHASSIS_COMMANDS);
  }

  @Test
  void jsonWithoutTheFieldsACommandReadsIsNotAnAnswer() {
    answer("application/json", "{\"status\":\"ok\",\"items\":[]}");
    everyCommandFails("governor", COMMANDS);
    everyCommandFails("chassis", CHASSIS_COMMANDS);
  }

  @Test
  void jsonThatIsNotAnObjectIsNotAnAnswer() {
    answer("application/json", "[1,2,3]");
    everyCommandFails("governor", COMMANDS);
  }

  /**
   * Regression: another server's error page was printed as the service's refusal, "answered 404 ?",
   * with no sign that the service never saw the request.
   */
  @Test
  void anErrorPageIsNotTheServicesRefusal() {
    fake.server().answering(404, "text/html", "<html><body>Not Found</body></html>");
    everyCommandFails("governor", COMMANDS, " answered 404 text/html, not application/json");
    everyCommandFails("chassis", CHASSIS_COMMANDS, " answered 404 text/html, not application/json");
  }

  @Test
  void jsonWithoutAnErrorCodeIsNotTheServicesRefusal() {
    fake.server().answering(502, "application/json", "{\"error\":\"upstream unavailable\"}");
    everyCommandFails("governor", COMMANDS, " answered 502 with no error code and message");
  }

  @Test
  void theServicesRefusalStillPrints() {
    fake.server()
        .answering(403, "application/json", "{\"code\":\"FORBIDDEN\",\"message\":\"not yours\"}");
    assertThat(fake.cli().run(args(List.of("pricing", "get")))).isEqualTo(1);
    assertThat(fake.cli().stderr())
        .isEqualTo("infrafabric: GET /v1/pricing answered 403 FORBIDDEN: not yours\n");
  }

  @Test
  void csvIsTheAnswerOnlyWhereCsvIsAskedFor() {
    answer("text/csv", "scope,spent_micros\nacme,5\n");
    assertThat(fake.cli().run(args(List.of("spend", "--csv")))).as(fake.cli().stderr()).isZero();
    assertThat(fake.cli().stdout()).isEqualTo("scope,spent_micros\nacme,5\n");
    assertThat(fake.cli().run(args(List.of("pricing", "get")))).isEqualTo(1);
  }

  @Test
  void theServicesOwnAnswerStillPrints() {
    answer(
        "application/json; charset=utf-8",
        "{\"version\":7,\"models\":[{\"model\":\"gpt-4o\",\"input_per_million\":2500000,"
            + "\"cached_input_per_million\":1250000,\"output_per_million\":10000000}]}");
    assertThat(fake.cli().run(args(List.of("pricing", "get")))).as(fake.cli().stderr()).isZero();
    assertThat(fake.cli().stdout())
        .contains("catalogue version 7")
        .containsPattern("gpt-4o +2500000 +1250000 +10000000");
  }

  private void answer(String type, String text) {
    fake.server().answering(200, type, text);
  }

  private void everyCommandFails(String service, List<List<String>> commands) {
    everyCommandFails(service, commands, "");
  }

  /** Each command fails with one line naming the server, whose detail holds {@code detail}. */
  private void everyCommandFails(String service, List<List<String>> commands, String detail) {
    for (List<String> command : commands) {
      assertThat(fake.cli().run(args(command)))
          .as(command + ": " + fake.cli().stdout())
          .isEqualTo(1);
      assertThat(fake.cli().stdout()).as(command.toString()).isEmpty();
      assertThat(fake.cli().stderr())
          .as(command.toString())
          .startsWith(
              "infrafabric: the server at "
                  + fake.server().url()
                  + " did not answer as an InfraFabric "
                  + service
                  + ": ")
          .contains(detail)
          .hasLineCount(1);
    }
  }

  private String[] args(List<String> command) {
    return Stream.concat(
            command.stream(), Stream.of("--url", fake.server().url(), "--token", TOKEN))
        .toArray(String[]::new);
  }

  private static String segment(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
