package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.UnlinkableModuleException;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.llm.GovernorHttpBudget;
import com.infrafabric.chassis.testing.ExampleBuilds;
import com.infrafabric.chassis.testing.ExampleBuilds.Language;
import com.infrafabric.chassis.testing.FakeGovernor;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every SDK example (Rust, AssemblyScript, and the C header's), built from source by its documented
 * build script, registered under its own contract and run in the chassis with its real
 * capabilities: kv on Redis, HTTP to a loopback peer with a credential from the vault, and model
 * calls through the offline provider charged to a governor on loopback. The error paths a tool
 * author meets are exercised too: a capability the contract or the grant lacks, a budget with no
 * room, an output above its limit.
 */
@Timeout(300)
class SdkExamplesTest {

  private static final String MODEL = "gpt-4o-mini";
  private static final String CREDENTIAL = "search-api-key";
  private static final String SECRET = "sk-search-7f3a91c2e4";

  private static final FakePeer PEER = FakePeer.start();
  private static final FakeGovernor GOVERNOR = FakeGovernor.start(1_000_000);
  private static final Vertx BUDGET_VERTX = Vertx.vertx();
  private static final GovernorHttpBudget BUDGET =
      GovernorHttpBudget.create(
          BUDGET_VERTX, URI.create(GOVERNOR.url()), () -> "agent-token", Duration.ofSeconds(5));
  private static final TestTokens GOVERNOR_KEYS = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR_KEYS, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  .allowedSchemes(Set.of("http", "https"))
                  .trustedTargets(List.of("127.0.0.1/32:" + PEER.port()))
                  .grantVerification(GOVERNOR_KEYS.settings())
                  .llmProviders(List.of(ProviderSettings.offline(List.of(MODEL)))),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS).budget(BUDGET));

  @BeforeAll
  static void storeTheCredential() {
    Await.result(
        HOST.chassis()
            .credentials()
            .put(
                new NewCredential(
                    CredentialOwner.tenant(TestChassis.CONTEXT.tenant()),
                    CREDENTIAL,
                    SECRET,
                    List.of(PEER.origin()),
                    "authorization",
                    "Bearer",
                    ResponsePolicy.full())));
  }

  @AfterAll
  static void stopPeers() {
    BUDGET.close();
    BUDGET_VERTX.close().await();
    GOVERNOR.close();
    PEER.close();
  }

  @BeforeEach
  void freshBudget() {
    GOVERNOR.reset(1_000_000);
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void wordCountCountsAndKeepsARunningTotalPerTenant(Language language) {
    ToolInfo tool = register(language, "word_count", contract -> {});
    assertThat(HOST.invoke(tool.ref(), "\"one two three\"").output())
        .isEqualTo("{\"words\":3,\"total\":3}");
    assertThat(HOST.invoke(tool.ref(), "\"four five\"").output())
        .isEqualTo("{\"words\":2,\"total\":5}");
    InvocationContext other = new InvocationContext("tenant-z", "agent-2", "inv-2");
    assertThat(HOST.invoke(tool.ref(), "\"six\"", other).output())
        .isEqualTo("{\"words\":1,\"total\":1}");
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void wordCountIsStoppedWhenItsOutputPassesTheLimit(Language language) {
    ToolInfo tool =
        register(
            language,
            "word_count",
            contract -> contract.getJsonObject("limits").put("output", maxBytes(8)));
    InvocationResult result = HOST.invoke(tool.ref(), "\"one two three\"");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.OUTPUT_LIMIT);
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void wordCountIsRefusedAtRegistrationWithoutTheKvCapability(Language language) {
    assertThatThrownBy(
            () ->
                register(
                    language,
                    "word_count",
                    contract -> contract.getJsonObject("capabilities").remove("kv")))
        .isInstanceOf(UnlinkableModuleException.class)
        .hasMessageMatching("import infrafabric\\.kv_[a-z]+ needs capability kv, .*");
  }

  @ParameterizedTest
  @EnumSource(
      value = Language.class,
      names = {"RUST", "ASSEMBLYSCRIPT"})
  void wordCountReportsKvDeniedWhenTheGrantDoesNotNameIt(Language language) {
    ToolInfo tool = register(language, "word_count", contract -> {});
    Grant withoutKv = GRANTS.grant(tool.digest(), Set.of(), Set.of(), Set.of(), 0, 1);
    InvocationResult result = HOST.invoke(tool.ref(), "\"one\"", GRANTS.context(withoutKv));
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.output()).contains("DENIED");
  }

  @ParameterizedTest
  @EnumSource(
      value = Language.class,
      names = {"RUST", "ASSEMBLYSCRIPT"})
  void httpFetchSendsTheInjectedCredentialAndNeverSeesIt(Language language) {
    ToolInfo tool = register(language, "http_fetch", this::allowThePeer);
    Grant grant = GRANTS.grant(tool.digest(), Set.of("http"), Set.of(CREDENTIAL), Set.of(), 0, 1);
    InvocationResult result =
        HOST.invoke(tool.ref(), fetch(PEER.origin() + "/echo"), GRANTS.context(grant));
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    JsonObject output = new JsonObject(result.output());
    assertThat(output.getInteger("status")).isEqualTo(200);
    assertThat(output.getString("body")).contains("[REDACTED]").doesNotContain(SECRET);
    assertThat(PEER.received().get(PEER.received().size() - 1).get("authorization"))
        .isEqualTo("Bearer " + SECRET);
  }

  @ParameterizedTest
  @EnumSource(
      value = Language.class,
      names = {"RUST", "ASSEMBLYSCRIPT"})
  void httpFetchReportsACredentialTheGrantDoesNotName(Language language) {
    ToolInfo tool = register(language, "http_fetch", this::allowThePeer);
    Grant grant = GRANTS.grant(tool.digest(), Set.of("http"), Set.of(), Set.of(), 0, 1);
    int before = PEER.received().size();
    InvocationResult result =
        HOST.invoke(tool.ref(), fetch(PEER.origin() + "/echo"), GRANTS.context(grant));
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.output()).contains("CREDENTIAL_NOT_GRANTED");
    assertThat(PEER.received()).hasSize(before);
  }

  @ParameterizedTest
  @EnumSource(
      value = Language.class,
      names = {"RUST", "ASSEMBLYSCRIPT"})
  void llmSummarizeAnswersFromTheModelAndIsCharged(Language language) {
    ToolInfo tool = register(language, "llm_summarize", contract -> {});
    InvocationResult result = summarize(tool, "Rates rose in May. They fell in June.");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    JsonObject output = new JsonObject(result.output());
    assertThat(output.getString("source")).isEqualTo("model");
    assertThat(output.getString("summary")).startsWith("[offline " + MODEL + "]");
    assertThat(output.getLong("cost_micros")).isPositive().isEqualTo(GOVERNOR.spentMicros());
    assertThat(GOVERNOR.activeReservations()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Language.class,
      names = {"RUST", "ASSEMBLYSCRIPT"})
  void llmSummarizeFallsBackToTheFirstSentenceWhenTheBudgetIsDenied(Language language) {
    ToolInfo tool = register(language, "llm_summarize", contract -> {});
    GOVERNOR.reset(300);
    InvocationResult result = summarize(tool, "Rates rose in May. They fell in June.");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    JsonObject output = new JsonObject(result.output());
    assertThat(output.getString("source")).isEqualTo("extractive");
    assertThat(output.getString("summary")).isEqualTo("Rates rose in May.");
    assertThat(output.getLong("remaining_micros")).isEqualTo(300);
    assertThat(GOVERNOR.spentMicros()).isZero();
  }

  @Test
  void theCommittedCModuleIsWhatItsSourceBuildsTo() {
    assertThat(Guests.fixture("examples/c/word_count.wasm"))
        .isEqualTo(ExampleBuilds.module(Language.C, "word_count"));
  }

  @Test
  void theRustExamplesHoldNoUnsafeCode() throws IOException {
    try (Stream<Path> sources = Files.list(Language.RUST.examples())) {
      for (Path source : sources.filter(f -> f.toString().endsWith(".rs")).toList()) {
        assertThat(Files.readString(source)).as(source.toString()).doesNotContain("unsafe");
      }
    }
  }

  private InvocationResult summarize(ToolInfo tool, String text) {
    Grant grant = GRANTS.grant(tool.digest(), Set.of("llm"), Set.of(), Set.of(MODEL), 1_000_000, 1);
    String input = new JsonObject().put("text", text).put("model", MODEL).encode();
    return HOST.invoke(tool.ref(), input, GRANTS.context(grant));
  }

  private void allowThePeer(JsonObject contract) {
    contract
        .getJsonObject("capabilities")
        .getJsonObject("http")
        .put("allow", new JsonArray().add(PEER.origin()));
  }

  private static String fetch(String url) {
    return new JsonObject().put("url", url).put("credential", CREDENTIAL).encode();
  }

  private static JsonObject maxBytes(int bytes) {
    return new JsonObject().put("maxBytes", bytes);
  }

  /**
   * Registers the built example under its own contract, changed by {@code change}, with a fresh
   * name so that every test has its own kv namespace.
   */
  private static ToolInfo register(Language language, String example, Consumer<JsonObject> change) {
    byte[] module = ExampleBuilds.module(language, example);
    JsonObject contract = ExampleBuilds.contract(language, example);
    contract.put("name", "t" + UUID.randomUUID().toString().substring(0, 12));
    contract.put("moduleDigest", ModuleDigest.of(module).toString());
    change.accept(contract);
    return Await.result(
        HOST.chassis().register(module, TestChassis.PUBLISHER.sign(contract.encode())));
  }
}
