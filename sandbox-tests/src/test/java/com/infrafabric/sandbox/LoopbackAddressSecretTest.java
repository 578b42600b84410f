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
  private static final CredentialOwner ACME = CredentialOwner.tenant(TestChassis.CONTEXT.tenant());
  private static final InvocationContext SAME_TENANT = TestChassis.CONTEXT;
  private static final InvocationContext OTHER_TENANT =
      new InvocationContext("beta", "agent-b", "inv-b");
  private static final long COLD_START_MS = 10_000;
  private static final String WITHHELD = "{\"status\":200,\"headers\":{},\"body\":\"\"}";
  private static final String REDACTED = "Bearer [REDACTED]";

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

  private static ToolInfo prober;
  private static ToolInfo plain;
  private static ToolInfo grantedFetcher;

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
    prober =
        HOST.register(
            Guests.fixture("credential-prober.wat"),
            c ->
                c.grant("log")
                    .grantHttp(allowed(), 20, 2000, 1 << 16)
                    .credentials(List.of("canary"))
                    .limit("timeoutMs", null, COLD_START_MS));
    plain =
        HOST.register(
            Guests.fixture("http-proxy.wat"),
            c -> c.grantHttp(allowed(), 5, 2000, 1 << 16).limit("timeoutMs", null, COLD_START_MS));
    grantedFetcher =
        HOST.register(
            Guests.fixture("http-proxy.wat"),
            c ->
                c.grantHttp(allowed(), 5, 2000, 1 << 16)
                    .credentials(List.of("canary"))
                    .limit("timeoutMs", null, COLD_START_MS));
  }

  @AfterEach
  void deleteTheCredential() {
    Await.result(HOST.chassis().credentials().delete(ACME, "canary"));
  }

  @AfterAll
  static void stopThePeer() {
    ORIGIN.close();
  }

  @Test
  void aStatusOnlyCredentialsServerAnswersNoOtherToolAtAnyOfItsAddresses() {
    putCanary(ResponsePolicy.statusOnly(2));
    storeTheSecret();
    int asked = ORIGIN.received().size();
    for (String other : otherAddresses()) {
      for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
        InvocationResult fetched = fetchCleanly(plain, other + "/stored", asker);
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
    putCanary(ResponsePolicy.full());
    storeTheSecret();
    for (String other : otherAddresses()) {
      for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
        assertThat(bodyOf(fetchCleanly(plain, other + "/stored", asker)))
            .as(other + " for " + asker.tenant())
            .isEqualTo(REDACTED);
      }
    }
  }

  /** The invocation granted the status-only credential reads its status class alone anywhere. */
  @Test
  void aGrantedInvocationReadsTheStatusClassOnlyAtAnotherAddress() {
    putCanary(ResponsePolicy.statusOnly(2));
    storeTheSecret();
    for (String other : otherAddresses()) {
      InvocationResult read =
          fetchCleanly(grantedFetcher, other + "/stored", granted(grantedFetcher));
      assertThat(read.output()).as(other).isEqualTo(WITHHELD);
    }
  }

  /** Notations of an address two URL parsers might read differently are refused, never sent. */
  @Test
  void anAddressInAnotherNotationIsNoWayAround() {
    putCanary(ResponsePolicy.full());
    storeTheSecret();
    int asked = ORIGIN.received().size();
    int port = ORIGIN.port();
    for (String url :
        List.of(
            "http://0177.0.0.2:" + port + "/stored",
            "http://2130706434:" + port + "/stored",
            "http://127.2:" + port + "/stored",
            "http://0x7f.0.0.2:" + port + "/stored")) {
      InvocationResult fetched = fetchCleanly(plain, url, OTHER_TENANT);
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
        HOST.invoke(plain.ref(), new JsonObject().put("url", url).encode(), OTHER_TENANT);
    assertThat(bodyOf(fetched)).isEqualTo("host=[0:0:0:0:0:0:0:1]:" + ORIGIN.port());
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

  /** The granted tool sends the secret to the origin, which keeps it for anyone. */
  private static void storeTheSecret() {
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

  private static String bodyOf(InvocationResult fetched) {
    assertThat(fetched.outcome()).as(fetched.message() + fetched.logs()).isEqualTo(Outcome.SUCCESS);
    return new JsonObject(fetched.output()).getString("body");
  }

  /**
   * {@code tool}'s answer from {@code url} for {@code asker}, checked to have kept the secret out
   * of the answer, the logs, Redis and the meters.
   */
  private static InvocationResult fetchCleanly(ToolInfo tool, String url, InvocationContext asker) {
    InvocationResult fetched;
    try (LogCapture logs = LogCapture.start()) {
      fetched = HOST.invoke(tool.ref(), new JsonObject().put("url", url).encode(), asker);
      Canary.absentFrom(logs.text());
    }
    Canary.absentFromAnyDecoding(fetched.output());
    Canary.absentFrom(fetched);
    Canary.absentFromRedis(HOST.redis().endpoint());
    Canary.absentFrom(HOST.host().meters());
    return fetched;
  }
}
