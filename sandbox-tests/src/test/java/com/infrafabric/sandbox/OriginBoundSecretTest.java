package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a credential's response policy and redaction protected only the invocations that
 * could use the credential. An origin that stored the secret a granted tool sent it handed the
 * secret back raw to any other tool asking it without the credential: a second tool of the same
 * tenant, or a plain tool of another tenant with no grant. What protects a secret now follows the
 * origin it may be sent to: every invocation asking that origin, of any tool and any tenant, gets
 * every secret bound to the origin redacted under a full policy, and nothing from it under a
 * status-only one unless granted the credential; nothing of the secret reaches a guest, the logs,
 * Redis or the meters on the way.
 */
@Timeout(60)
class OriginBoundSecretTest {

  private static final FakePeer ORIGIN = FakePeer.start();
  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));
  private static final CredentialOwner ACME = CredentialOwner.tenant(TestChassis.CONTEXT.tenant());
  private static final InvocationContext SAME_TENANT = TestChassis.CONTEXT;
  private static final InvocationContext OTHER_TENANT =
      new InvocationContext("beta", "agent-b", "inv-b");

  /** Room for the first invocation on a loaded machine (the module compiled, the vault read). */
  private static final long COLD_START_MS = 10_000;

  private static final String WITHHELD = "{\"status\":200,\"headers\":{},\"body\":\"\"}";

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> FakePeer.reachable(config, ORIGIN).grantVerification(GOVERNOR.settings()),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS));

  private static ToolInfo prober;
  private static ToolInfo plain;
  private static ToolInfo grantedFetcher;

  @BeforeAll
  static void registerCredentialedToolsAndAPlainOne() {
    List<String> origins = List.of(ORIGIN.origin());
    prober =
        HOST.register(
            Guests.fixture("credential-prober.wat"),
            c ->
                c.grant("log")
                    .grantHttp(origins, 20, 2000, 1 << 16)
                    .credentials(List.of("canary"))
                    .limit("timeoutMs", null, COLD_START_MS));
    plain =
        HOST.register(
            Guests.fixture("http-proxy.wat"),
            c -> c.grantHttp(origins, 5, 2000, 1 << 16).limit("timeoutMs", null, COLD_START_MS));
    grantedFetcher =
        HOST.register(
            Guests.fixture("http-proxy.wat"),
            c ->
                c.grantHttp(origins, 5, 2000, 1 << 16)
                    .credentials(List.of("canary"))
                    .limit("timeoutMs", null, COLD_START_MS));
    // One exchange before the tests, its answer not checked: the first of a JVM starts the client
    // and compiles the paths, which on a loaded machine can pass the contracts' 1 s read timeout.
    HOST.invoke(plain.ref(), new JsonObject().put("url", ORIGIN.origin() + "/ok").encode());
  }

  @AfterEach
  void deleteTheCredential() {
    Await.result(HOST.chassis().credentials().delete(ACME, "canary"));
  }

  @AfterAll
  static void stopTheOrigin() {
    ORIGIN.close();
  }

  /**
   * Not even status classes: an invocation without a grant for the credential has no bound on how
   * many times it asks, so the origin answers it nothing, and is not asked.
   */
  @Test
  void aStatusOnlyCredentialsOriginAnswersNoOtherToolOrTenant() {
    putCanary(ResponsePolicy.statusOnly(2));
    storeTheSecretAtTheOrigin();
    int asked = ORIGIN.received().size();
    for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
      InvocationResult fetched = fetchCleanly(ORIGIN.origin() + "/stored", asker);
      assertThat(fetched.message()).as(asker.tenant()).isEqualTo("the tool returned status -13");
      assertThat(fetched.output()).isEmpty();
    }
    assertThat(ORIGIN.received()).hasSize(asked);
    String request = new JsonObject().put("url", ORIGIN.origin() + "/stored").encode();
    assertThat(HOST.invoke(grantedFetcher.ref(), request, granted(grantedFetcher)).output())
        .isEqualTo(WITHHELD);
  }

  @Test
  void aFullSecretTheOriginStoredComesBackRedactedToEveryOtherToolAndTenant() {
    putCanary(ResponsePolicy.full());
    storeTheSecretAtTheOrigin();
    for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
      InvocationResult fetched = fetchCleanly(ORIGIN.origin() + "/stored", asker);
      assertThat(fetched.outcome()).as(fetched.message()).isEqualTo(Outcome.SUCCESS);
      assertThat(new JsonObject(fetched.output()).getString("body"))
          .as(asker.tenant())
          .isEqualTo("Bearer [REDACTED]");
    }
  }

  @Test
  void aDeletedCredentialNoLongerShapesItsOriginsAnswers() {
    putCanary(ResponsePolicy.statusOnly(2));
    assertThat(fetchCleanly(ORIGIN.origin() + "/ok", OTHER_TENANT).message())
        .isEqualTo("the tool returned status -13");

    Await.result(HOST.chassis().credentials().delete(ACME, "canary"));

    InvocationResult whole = fetchCleanly(ORIGIN.origin() + "/ok", OTHER_TENANT);
    assertThat(whole.outcome()).as(whole.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(whole.output()).getString("body")).isEqualTo("{\"ok\":true}");
  }

  private static void putCanary(ResponsePolicy response) {
    Await.result(
        HOST.chassis()
            .credentials()
            .put(
                new NewCredential(
                    ACME,
                    "canary",
                    Canary.SECRET,
                    List.of(ORIGIN.origin()),
                    "Authorization",
                    "Bearer",
                    response)));
  }

  /** The granted tool sends the secret to the origin, which keeps it to hand back to anyone. */
  private static void storeTheSecretAtTheOrigin() {
    String request = new JsonObject().put("url", ORIGIN.origin() + "/store").encode();
    InvocationResult stored = HOST.invoke(prober.ref(), request, granted(prober));
    Canary.absentFrom(stored);
    List<io.vertx.core.MultiMap> received = ORIGIN.received();
    assertThat(received.get(received.size() - 1).get("authorization"))
        .isEqualTo("Bearer " + Canary.SECRET);
  }

  private static InvocationContext granted(ToolInfo tool) {
    return GRANTS.context(
        GRANTS.grant(tool.digest(), Set.of("http"), Set.of("canary"), Set.of(), 0, 1));
  }

  /**
   * The plain tool's answer from {@code url}, asked for {@code asker} without a credential or a
   * grant, checked to have kept the secret out of the answer, the logs, Redis and the meters.
   */
  private static InvocationResult fetchCleanly(String url, InvocationContext asker) {
    InvocationResult fetched;
    try (LogCapture logs = LogCapture.start()) {
      fetched = HOST.invoke(plain.ref(), new JsonObject().put("url", url).encode(), asker);
      Canary.absentFrom(logs.text());
    }
    Canary.absentFromAnyDecoding(fetched.output());
    Canary.absentFrom(fetched);
    Canary.absentFromRedis(HOST.redis().endpoint());
    Canary.absentFrom(HOST.host().meters());
    return fetched;
  }
}
