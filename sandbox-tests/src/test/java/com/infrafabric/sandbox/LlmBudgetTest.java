package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolInput;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.testing.FakeGovernor;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guests calling {@code llm_complete} through the whole host: a grant from the governor, the
 * governor's reservations API on loopback enforcing a task budget, and a provider on loopback that
 * fails, rate-limits and hangs on cue. Concurrent guests never spend past the task budget or the
 * grant's cost cap, and every failure leaves nothing reserved.
 */
@Timeout(120)
class LlmBudgetTest {

  private static final String MODEL = "gpt-4o-mini";
  private static final String OFFLINE = "offline-small";

  /**
   * What the fake governor holds for {@link #request()}: its worst-case input (6 + 8 framing, the
   * role's 4 bytes and the content's 11) and 64 output tokens.
   */
  private static final long RESERVED = FakeGovernor.PRICE_PER_TOKEN * (29 + 64);

  /** What it charges for the fake provider's answer: 7 input and 5 output tokens. */
  private static final long ACTUAL = FakeGovernor.PRICE_PER_TOKEN * (7 + 5);

  private static final FakeProvider PROVIDER = FakeProvider.start();
  private static final GovernedBudget BUDGET = GovernedBudget.start(1_000_000);
  private static final FakeGovernor GOVERNOR = BUDGET.governor();
  private static final TestTokens GOVERNOR_KEYS = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR_KEYS, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));

  /** The operator's provider key: longer than 57 bytes, as real keys are. */
  private static final String PROVIDER_KEY =
      "sk-proj-provider-5e2c77aa01-Qx7Lm2Vt9Rb4Nw8Kd3Hs6Jf1Gc5Xe0Ub7Io2Kl4Mn6Pq8Zy3Tv";

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  // An llm invocation reserves about 29 MiB (a 4 MiB answer held and in flight):
                  // the operator's default budget lets the eight concurrent guests below in.
                  .sandbox(SandboxHost.sandbox(2, 8, 512L << 20, Duration.ofSeconds(1), 100))
                  .grantVerification(GOVERNOR_KEYS.settings())
                  .llmProviders(
                      List.of(
                          ProviderSettings.openAiCompatible(
                                  "openai",
                                  URI.create(PROVIDER.url()),
                                  "openai-key",
                                  List.of(MODEL))
                              .withTimeout(Duration.ofMillis(500))
                              .withRetries(2, Duration.ofMillis(5))
                              .withBreaker(1000, Duration.ofSeconds(30)),
                          ProviderSettings.offline(List.of(OFFLINE)))),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS).budget(BUDGET.port()));

  private static ToolInfo tool;
  private static ToolInfo impatient;

  @BeforeAll
  static void storeTheKeyAndRegister() {
    Await.result(
        HOST.chassis()
            .credentials()
            .put(
                new NewCredential(
                    CredentialOwner.operator(),
                    "openai-key",
                    PROVIDER_KEY,
                    List.of(PROVIDER.url()),
                    "authorization",
                    "Bearer",
                    ResponsePolicy.full())));
    byte[] example = Guests.fixture("examples/wat/llm_complete.wat");
    tool =
        HOST.register(
            example,
            c -> c.grantLlm(List.of(MODEL, OFFLINE), 2, 256).limit("timeoutMs", null, 10_000));
    impatient =
        HOST.register(
            example, c -> c.grantLlm(List.of(MODEL), 1, 256).limit("timeoutMs", null, 200));
  }

  @AfterAll
  static void stopPeers() {
    BUDGET.close();
    PROVIDER.close();
  }

  @BeforeEach
  void freshBudget() {
    GOVERNOR.reset(1_000_000);
  }

  private static Grant grant(ToolInfo of, Set<String> models, long costCap, int uses) {
    return GRANTS.grant(of.digest(), Set.of("llm"), Set.of(), models, costCap, uses);
  }

  private static String request(String model) {
    return new JsonObject()
        .put("model", model)
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hello there")))
        .put("max_tokens", 64)
        .encode();
  }

  private static InvocationResult call(ToolInfo of, Grant grant, String model) {
    return HOST.invoke(of.ref(), request(model), GRANTS.context(grant));
  }

  /**
   * Regression: only failed provider replies were redacted; an answer repeating the key was not.
   */
  @Test
  void anAnswerThatRepeatsTheProvidersKeyReachesTheToolRedacted() {
    PROVIDER.then(new Behaviour.EchoKey());
    InvocationResult result;
    try (LogCapture logs = LogCapture.start()) {
      result = call(tool, grant(tool, Set.of(MODEL), 1_000_000, 1), MODEL);
      assertThat(logs.text()).doesNotContain(PROVIDER_KEY).doesNotContain("5e2c77aa01");
    }
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    String content = new JsonObject(result.output()).getString("content");
    assertThat(content).startsWith("Sure, your key is Bearer [REDACTED]");
    assertThat(content.lines()).hasSize(4).allMatch(line -> line.endsWith("[REDACTED]"));
    assertThat(result.output()).doesNotContain("5e2c77aa01").doesNotContain("provider-5e");
    String encoded =
        java.util.Base64.getEncoder()
            .encodeToString(("{\"key\":\"Bearer " + PROVIDER_KEY + "\"}").getBytes());
    assertThat(content.replaceAll("\\s", "")).doesNotContain(encoded.substring(20, 60));
    assertThat(
            PROVIDER.received().get(PROVIDER.received().size() - 1).headers().get("authorization"))
        .isEqualTo("Bearer " + PROVIDER_KEY);
  }

  @Test
  void theOfflineProviderAnswersAndItsUsageIsCharged() {
    InvocationResult result = call(tool, grant(tool, Set.of(OFFLINE), 1_000_000, 1), OFFLINE);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    JsonObject completion = new JsonObject(result.output());
    assertThat(completion.getString("content"))
        .isEqualTo("[offline offline-small] You said: Hello there");
    assertThat(completion.getLong("cost_micros"))
        .isEqualTo(GOVERNOR.spentMicros())
        .isEqualTo(FakeGovernor.PRICE_PER_TOKEN * (10 + 12));
    assertThat(GOVERNOR.activeReservations()).isZero();
  }

  @Test
  void concurrentGuestsNeverSpendPastTheTaskBudget() throws InterruptedException {
    GOVERNOR.reset(2_000);
    Grant grant = grant(tool, Set.of(MODEL), 1_000_000, 24);
    int before = PROVIDER.received().size();
    List<List<InvocationResult>> results =
        Concurrently.run(8, Duration.ofSeconds(90), i -> () -> threeCalls(grant));

    List<InvocationResult> all = results.stream().flatMap(List::stream).toList();
    long succeeded = all.stream().filter(r -> r.outcome() == Outcome.SUCCESS).count();
    // A guest stopped at its deadline returns before its call is settled; settling follows.
    await().atMost(Duration.ofSeconds(30)).until(() -> GOVERNOR.activeReservations() == 0);
    assertThat(GOVERNOR.spentMicros()).isEqualTo(succeeded * ACTUAL).isLessThanOrEqualTo(2_000);
    assertThat(PROVIDER.received().size() - before).isEqualTo((int) succeeded);
    all.stream()
        .filter(r -> r.outcome() != Outcome.SUCCESS)
        .forEach(
            denied -> {
              assertThat(denied.outcome()).as(denied.toString()).isEqualTo(Outcome.TOOL_ERROR);
              JsonObject error = new JsonObject(denied.output());
              assertThat(error.getString("error")).isEqualTo("BUDGET_DENIED");
              assertThat(error.getLong("remaining_micros")).isLessThan(RESERVED);
            });
    assertThat(succeeded).isLessThan(24);
  }

  @Test
  void concurrentGuestsNeverSpendPastTheGrantsCostCap() throws InterruptedException {
    Grant grant = grant(tool, Set.of(MODEL), 1_000, 16);
    List<List<InvocationResult>> results =
        Concurrently.run(8, Duration.ofSeconds(90), i -> () -> twoCalls(grant));

    long succeeded =
        results.stream().flatMap(List::stream).filter(r -> r.outcome() == Outcome.SUCCESS).count();
    assertThat(GOVERNOR.spentMicros()).isEqualTo(succeeded * ACTUAL).isLessThanOrEqualTo(1_000);
    assertThat(succeeded).isBetween(1L, 3L);
    assertThat(GOVERNOR.activeReservations()).isZero();
  }

  @Test
  void aDenialReachesTheGuestWithTheRemainingBudget() {
    GOVERNOR.reset(RESERVED - 40);
    InvocationResult result = call(tool, grant(tool, Set.of(MODEL), 1_000_000, 1), MODEL);
    assertThat(result.message()).isEqualTo("the tool returned status -11");
    JsonObject error = new JsonObject(result.output());
    assertThat(error.getString("error")).isEqualTo("BUDGET_DENIED");
    assertThat(error.getLong("remaining_micros")).isEqualTo(RESERVED - 40);
  }

  /**
   * Failures and rate limits release the reservation: the provider made nothing. A provider that
   * has the request and never answers may make and bill it: that call is charged as reserved.
   */
  @Test
  void providerFailuresAndRateLimitsReleaseTheReservationAndATimeoutIsChargedAsReserved() {
    PROVIDER.then(
        new Behaviour.Status(500, null),
        new Behaviour.Status(500, null),
        new Behaviour.Status(500, null));
    InvocationResult failed = call(tool, grant(tool, Set.of(MODEL), 1_000_000, 1), MODEL);
    assertThat(new JsonObject(failed.output()).getString("error"))
        .isEqualTo("PROVIDER_UNAVAILABLE");
    assertThat(GOVERNOR.activeReservations()).isZero();

    PROVIDER.then(new Behaviour.Hang());
    InvocationResult timedOut = call(tool, grant(tool, Set.of(MODEL), 1_000_000, 1), MODEL);
    assertThat(new JsonObject(timedOut.output()).getString("error")).isEqualTo("TIMEOUT");
    assertThat(GOVERNOR.activeReservations()).isZero();
    assertThat(GOVERNOR.spentMicros()).isEqualTo(RESERVED);

    PROVIDER.then(new Behaviour.Status(429, "0"));
    InvocationResult retried = call(tool, grant(tool, Set.of(MODEL), 1_000_000, 1), MODEL);
    assertThat(retried.outcome()).as(retried.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(GOVERNOR.reserveCalls()).isEqualTo(3);
    assertThat(GOVERNOR.spentMicros()).isEqualTo(RESERVED + ACTUAL);
  }

  /** The provider has the call when the guest is stopped: it is charged as reserved, not held. */
  @Test
  void aGuestStoppedAtItsDeadlineMidCallIsChargedAsReservedAndLeavesNothingHeld() {
    PROVIDER.then(new Behaviour.Hang());
    InvocationResult result = call(impatient, grant(impatient, Set.of(MODEL), 1_000_000, 1), MODEL);
    assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
    await().atMost(Duration.ofSeconds(30)).until(() -> GOVERNOR.activeReservations() == 0);
    assertThat(GOVERNOR.spentMicros()).isEqualTo(RESERVED);
  }

  /**
   * Regression: work a caller abandoned ran to its limits. A guest whose caller cancels while its
   * provider has the call stops at once, and the call is settled as any other the provider has:
   * charged as reserved, never left reserved, never charged less.
   */
  @Test
  void aGuestCancelledMidCallStopsAtOnceAndItsCallIsChargedAsReservedLeavingNothingHeld() {
    PROVIDER.then(new Behaviour.Hang());
    int received = PROVIDER.received().size();
    Cancellation cancellation = new Cancellation();
    Future<InvocationResult> running =
        HOST.chassis()
            .invoke(
                tool.ref(),
                ToolInput.text(request(MODEL)),
                GRANTS.context(grant(tool, Set.of(MODEL), 1_000_000, 1)),
                cancellation);
    await()
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> PROVIDER.received().size() > received);
    cancellation.cancel();
    InvocationResult result = Await.result(running);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.CANCELLED);
    assertThat(result.report().duration()).isLessThan(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(30)).until(() -> GOVERNOR.activeReservations() == 0);
    assertThat(GOVERNOR.spentMicros()).isEqualTo(RESERVED);
  }

  /**
   * A malformed request is INVALID_ARGUMENT naming the field at fault, never the host's own types
   * ("class java.util.LinkedHashMap cannot be cast...", as a probe read), and costs nothing.
   */
  @Test
  void aMalformedRequestIsRefusedNamingTheFieldNotTheHostsTypes() {
    Grant grant = grant(tool, Set.of(MODEL), 1_000_000, 3);
    Map<String, String> expected =
        Map.of(
            new JsonObject(request(MODEL)).put("messages", new JsonObject()).encode(),
            "messages must be an array",
            new JsonObject(request(MODEL)).put("model", 7).encode(),
            "model must be a string",
            new JsonObject().put("model", MODEL).encode(),
            "max_tokens must be an integer");
    expected.forEach(
        (request, message) -> {
          InvocationResult result = HOST.invoke(tool.ref(), request, GRANTS.context(grant));
          assertThat(result.output()).as(request).contains("INVALID_ARGUMENT").contains(message);
          assertThat(result.output()).doesNotContain("java.").doesNotContain("class ");
        });
    assertThat(GOVERNOR.reserveCalls()).isZero();
  }

  @Test
  void aGrantCannotWidenTheContractsModelsNorTheContractTheGrants() {
    InvocationResult notInGrant = call(tool, grant(tool, Set.of(OFFLINE), 1_000_000, 1), MODEL);
    assertThat(new JsonObject(notInGrant.output()).getString("error"))
        .isEqualTo("MODEL_NOT_ALLOWED");
    InvocationResult notInContract =
        call(tool, grant(tool, Set.of(MODEL, "gpt-4.1"), 1_000_000, 1), "gpt-4.1");
    assertThat(new JsonObject(notInContract.output()).getString("error"))
        .isEqualTo("MODEL_NOT_ALLOWED");
    Grant withoutLlm = GRANTS.grant(tool.digest(), Set.of(), Set.of(), Set.of(MODEL), 1_000_000, 1);
    InvocationResult noLlm = call(tool, withoutLlm, MODEL);
    assertThat(new JsonObject(noLlm.output()).getString("error")).isEqualTo("DENIED");
    assertThat(GOVERNOR.reserveCalls()).isZero();
  }

  private static List<InvocationResult> threeCalls(Grant grant) {
    List<InvocationResult> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      results.add(call(tool, grant, MODEL));
    }
    return results;
  }

  private static List<InvocationResult> twoCalls(Grant grant) {
    return List.of(call(tool, grant, MODEL), call(tool, grant, MODEL));
  }
}
