package com.infrafabric.sandbox;

import static com.infrafabric.sandbox.CanaryTools.OTHER_TENANT;
import static com.infrafabric.sandbox.CanaryTools.REDACTED;
import static com.infrafabric.sandbox.CanaryTools.SAME_TENANT;
import static com.infrafabric.sandbox.CanaryTools.WITHHELD;
import static com.infrafabric.sandbox.CanaryTools.bodyOf;
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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a server was bound by the one address its credential's origin named, so another
 * address of the same machine was another server. A status-only secret sent to {@code
 * http://127.0.0.1:P} came back whole to any tenant's tool from {@code http://127.0.0.2:P} or
 * {@code http://[::ffff:127.0.0.2]:P} (one process answering on every loopback address), and the
 * invocation granted it read the answer past its status-only policy. Every loopback address, and
 * every address of this host, is now one machine for every binding decision; and a request to an
 * IPv6 address, which waited for its total timeout before, is answered.
 */
@Timeout(60)
class LoopbackAddressSecretTest {

  private static final FakePeer ORIGIN = FakePeer.startOn("127.0.0.1", "127.0.0.2", "::1");
  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              config
                  .allowedSchemes(Set.of("http"))
                  .trustedTargets(
                      List.of("127.0.0.0/8:" + ORIGIN.port(), "[::1]/128:" + ORIGIN.port()))
                  .grantVerification(GOVERNOR.settings()),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS));

  private static CanaryTools tools;

  /** The other addresses the origin's server answers on, as a tool may write them in a URL. */
  private static List<String> otherAddresses() {
    int port = ORIGIN.port();
    return List.of(
        "http://127.0.0.2:" + port,
        "http://[::ffff:127.0.0.2]:" + port,
        "http://[::ffff:7f00:2]:" + port,
        "http://[::1]:" + port,
        "http://[0:0:0:0:0:0:0:1]:" + port);
  }

  private static List<String> allowed() {
    List<String> all = new java.util.ArrayList<>(otherAddresses());
    all.add(ORIGIN.origin());
    return all;
  }

  @BeforeAll
  static void registerCredentialedToolsAndAPlainOne() {
    tools = CanaryTools.register(HOST, GRANTS, ORIGIN, allowed());
  }

  @AfterEach
  void deleteTheCredential() {
    tools.deleteCanary();
  }

  @AfterAll
  static void stopThePeer() {
    ORIGIN.close();
  }

  @Test
  void aStatusOnlyCredentialsServerAnswersNoOtherToolAtAnyOfItsAddresses() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt(ORIGIN.origin());
    int asked = ORIGIN.received().size();
    for (String other : otherAddresses()) {
      for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
        InvocationResult fetched = tools.fetchCleanly(other + "/stored", asker);
        assertThat(fetched.message())
            .as(other + " for " + asker.tenant())
            .isEqualTo("the tool returned status -13");
        assertThat(fetched.output()).isEmpty();
      }
    }
    assertThat(ORIGIN.received()).hasSize(asked);
  }

  @Test
  void aFullSecretComesBackRedactedFromEveryAddressOfItsServer() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.full());
    tools.storeTheSecretAt(ORIGIN.origin());
    for (String other : otherAddresses()) {
      for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
        assertThat(bodyOf(tools.fetchCleanly(other + "/stored", asker)))
            .as(other + " for " + asker.tenant())
            .isEqualTo(REDACTED);
      }
    }
  }

  /** The invocation granted the status-only credential reads its status class alone anywhere. */
  @Test
  void aGrantedInvocationReadsTheStatusClassOnlyAtAnotherAddress() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt(ORIGIN.origin());
    for (String other : otherAddresses()) {
      InvocationResult read =
          tools.fetchCleanly(
              tools.grantedFetcher, other + "/stored", tools.granted(tools.grantedFetcher));
      assertThat(read.output()).as(other).isEqualTo(WITHHELD);
    }
  }

  /** Notations of an address two URL parsers might read differently are refused, never sent. */
  @Test
  void anAddressInAnotherNotationIsNoWayAround() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.full());
    tools.storeTheSecretAt(ORIGIN.origin());
    int asked = ORIGIN.received().size();
    int port = ORIGIN.port();
    for (String url :
        List.of(
            "http://0177.0.0.2:" + port + "/stored",
            "http://2130706434:" + port + "/stored",
            "http://127.2:" + port + "/stored",
            "http://0x7f.0.0.2:" + port + "/stored")) {
      InvocationResult fetched = tools.fetchCleanly(url, OTHER_TENANT);
      assertThat(fetched.outcome()).as(url).isNotEqualTo(Outcome.SUCCESS);
      assertThat(fetched.output()).as(url).isEmpty();
    }
    assertThat(ORIGIN.received()).hasSize(asked);
  }

  /** An IPv6 destination is reached, its Host header as the URL writes it. */
  @Test
  void aRequestToAnIpv6AddressIsAnswered() {
    String url = "http://[::1]:" + ORIGIN.port() + "/host";
    InvocationResult fetched =
        HOST.invoke(tools.plain.ref(), new JsonObject().put("url", url).encode(), OTHER_TENANT);
    assertThat(bodyOf(fetched)).isEqualTo("host=[0:0:0:0:0:0:0:1]:" + ORIGIN.port());
  }
}
