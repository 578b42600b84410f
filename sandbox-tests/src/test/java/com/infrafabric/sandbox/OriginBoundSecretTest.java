package com.infrafabric.sandbox;

import static com.infrafabric.sandbox.CanaryTools.OTHER_TENANT;
import static com.infrafabric.sandbox.CanaryTools.SAME_TENANT;
import static com.infrafabric.sandbox.CanaryTools.WITHHELD;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
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

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> FakePeer.reachable(config, ORIGIN).grantVerification(GOVERNOR.settings()),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS));

  private static CanaryTools tools;

  @BeforeAll
  static void registerCredentialedToolsAndAPlainOne() {
    tools = CanaryTools.register(HOST, GRANTS, ORIGIN, List.of(ORIGIN.origin()));
  }

  @AfterEach
  void deleteTheCredential() {
    tools.deleteCanary();
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
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt(ORIGIN.origin());
    int asked = ORIGIN.received().size();
    for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
      InvocationResult fetched = tools.fetchCleanly(ORIGIN.origin() + "/stored", asker);
      assertThat(fetched.message()).as(asker.tenant()).isEqualTo("the tool returned status -13");
      assertThat(fetched.output()).isEmpty();
    }
    assertThat(ORIGIN.received()).hasSize(asked);
    String request = new JsonObject().put("url", ORIGIN.origin() + "/stored").encode();
    assertThat(
            HOST.invoke(tools.grantedFetcher.ref(), request, tools.granted(tools.grantedFetcher))
                .output())
        .isEqualTo(WITHHELD);
  }

  @Test
  void aFullSecretTheOriginStoredComesBackRedactedToEveryOtherToolAndTenant() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.full());
    tools.storeTheSecretAt(ORIGIN.origin());
    for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
      InvocationResult fetched = tools.fetchCleanly(ORIGIN.origin() + "/stored", asker);
      assertThat(fetched.outcome()).as(fetched.message()).isEqualTo(Outcome.SUCCESS);
      assertThat(new JsonObject(fetched.output()).getString("body"))
          .as(asker.tenant())
          .isEqualTo("Bearer [REDACTED]");
    }
  }

  @Test
  void aDeletedCredentialNoLongerShapesItsOriginsAnswers() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    assertThat(tools.fetchCleanly(ORIGIN.origin() + "/ok", OTHER_TENANT).message())
        .isEqualTo("the tool returned status -13");

    tools.deleteCanary();

    InvocationResult whole = tools.fetchCleanly(ORIGIN.origin() + "/ok", OTHER_TENANT);
    assertThat(whole.outcome()).as(whole.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(whole.output()).getString("body")).isEqualTo("{\"ok\":true}");
  }
}
