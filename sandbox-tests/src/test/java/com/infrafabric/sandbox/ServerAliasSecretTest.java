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
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a credential's response policy and redaction followed the name of its origin, not the
 * server. An origin that stored a status-only secret sent to {@code http://127.0.0.1:P} handed it
 * back whole to any tool of any tenant that asked {@code http://localhost:P}: another name for the
 * same server (in real life a CNAME, apex and www, a regional name) was an unbound origin. What
 * protects a secret now follows the server a hop actually reaches (the address the egress connects
 * to, its scheme and port), compared with the addresses the credential's origins resolve to through
 * the egress's own resolver: every name of the server, a redirect to one, and a credential bound by
 * host name whose server is asked by address, are all shaped like the origin.
 */
@Timeout(60)
class ServerAliasSecretTest {

  private static final FakePeer ORIGIN = FakePeer.start();
  private static final FakePeer REDIRECTOR = FakePeer.start();
  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));

  /** The loopback names a hosts file or a DNS zone could give the origin's server. */
  private static final HostResolver NAMES =
      host ->
          List.of("localhost", "alias.test", "origin.test", "api.wild.test").contains(host)
              ? List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}))
              : HostResolver.system().resolve(host);

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              FakePeer.reachable(config, ORIGIN, REDIRECTOR).grantVerification(GOVERNOR.settings()),
          NAMES,
          parts -> parts.masterKeys(KEYS));

  private static CanaryTools tools;

  /** Every other way to write the origin's server in a URL a tool may be allowed. */
  private static List<String> aliases() {
    int port = ORIGIN.port();
    return List.of(
        "http://localhost:" + port,
        "http://LocalHost:" + port,
        "http://alias.test:" + port,
        "http://[::ffff:127.0.0.1]:" + port,
        "http://[::ffff:7f00:1]:" + port);
  }

  private static List<String> names() {
    int port = ORIGIN.port();
    return List.of(
        ORIGIN.origin(),
        "http://origin.test:" + port,
        "http://localhost:" + port,
        "http://alias.test:" + port,
        "http://api.wild.test:" + port,
        REDIRECTOR.origin());
  }

  @BeforeAll
  static void registerCredentialedToolsAndAPlainOne() {
    tools = CanaryTools.register(HOST, GRANTS, ORIGIN, names());
    HOST.invoke(
        tools.plain.ref(), new JsonObject().put("url", REDIRECTOR.origin() + "/ok").encode());
  }

  @AfterEach
  void deleteTheCredential() {
    tools.deleteCanary();
  }

  @AfterAll
  static void stopThePeers() {
    ORIGIN.close();
    REDIRECTOR.close();
  }

  @Test
  void aStatusOnlyCredentialsServerAnswersNoOtherToolUnderAnyOfItsNames() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt(ORIGIN.origin());
    int asked = ORIGIN.received().size();
    for (String alias : aliases()) {
      for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
        InvocationResult fetched = tools.fetchCleanly(alias + "/stored", asker);
        assertThat(fetched.message())
            .as(alias + " for " + asker.tenant())
            .isEqualTo("the tool returned status -13");
        assertThat(fetched.output()).isEmpty();
      }
    }
    assertThat(ORIGIN.received()).hasSize(asked);
  }

  @Test
  void aFullSecretComesBackRedactedUnderEveryNameOfItsServer() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.full());
    tools.storeTheSecretAt(ORIGIN.origin());
    for (String alias : aliases()) {
      for (InvocationContext asker : List.of(SAME_TENANT, OTHER_TENANT)) {
        assertThat(bodyOf(tools.fetchCleanly(alias + "/stored", asker)))
            .as(alias + " for " + asker.tenant())
            .isEqualTo(REDACTED);
      }
    }
  }

  @Test
  void aRedirectToAnotherNameOfTheServerIsShapedLikeTheServer() {
    String viaAlias =
        REDIRECTOR.origin()
            + "/redirect?to="
            + URLEncoder.encode(
                "http://localhost:" + ORIGIN.port() + "/stored", StandardCharsets.UTF_8);
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.full());
    tools.storeTheSecretAt(ORIGIN.origin());
    assertThat(bodyOf(tools.fetchCleanly(viaAlias, OTHER_TENANT))).isEqualTo(REDACTED);

    tools.deleteCanary();
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    int asked = ORIGIN.received().size();
    assertThat(tools.fetchCleanly(viaAlias, OTHER_TENANT).message())
        .isEqualTo("the tool returned status -13");
    assertThat(ORIGIN.received()).hasSize(asked);
  }

  /** The credential names its origin by host name; the tool asks its address, or another name. */
  @Test
  void aCredentialBoundByNameBindsTheAddressItsNameResolvesTo() {
    String named = "http://origin.test:" + ORIGIN.port();
    tools.putCanary(named, ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt(named);
    for (String other : List.of(ORIGIN.origin(), "http://localhost:" + ORIGIN.port())) {
      assertThat(tools.fetchCleanly(other + "/stored", OTHER_TENANT).message())
          .as(other)
          .isEqualTo("the tool returned status -13");
    }
  }

  /**
   * A wildcard's names cannot be looked up in advance: the server a hop to one of them reached is
   * remembered, and bound under every other name too.
   */
  @Test
  void aServerAWildcardsNameReachedIsBoundUnderItsOtherNames() {
    tools.putCanary("http://*.wild.test:" + ORIGIN.port(), ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt("http://api.wild.test:" + ORIGIN.port());
    assertThat(
            tools
                .fetchCleanly("http://localhost:" + ORIGIN.port() + "/stored", OTHER_TENANT)
                .message())
        .isEqualTo("the tool returned status -13");
  }

  /** A name written with a trailing dot or user info is refused before any server is asked. */
  @Test
  void aTrailingDotOrUserInfoIsNoWayAround() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.full());
    tools.storeTheSecretAt(ORIGIN.origin());
    int asked = ORIGIN.received().size();
    for (String url :
        List.of(
            "http://localhost.:" + ORIGIN.port() + "/stored",
            "http://user@localhost:" + ORIGIN.port() + "/stored")) {
      InvocationResult fetched = tools.fetchCleanly(url, OTHER_TENANT);
      assertThat(fetched.outcome()).as(url).isNotEqualTo(Outcome.SUCCESS);
      assertThat(fetched.output()).as(url).isEmpty();
    }
    assertThat(ORIGIN.received()).hasSize(asked);
  }

  /**
   * The operator's provider key is bound like a tenant's secret: a server the provider layer sent
   * it to cannot hand it back to a tool under another of its names.
   */
  @Test
  void anOperatorsKeyComesBackRedactedUnderAnotherNameOfItsServer() throws Exception {
    CredentialOwner operator = CredentialOwner.operator();
    Await.result(
        HOST.chassis()
            .credentials()
            .put(
                new NewCredential(
                    operator,
                    "provider-key",
                    Canary.SECRET,
                    List.of(ORIGIN.origin()),
                    "Authorization",
                    "Bearer",
                    ResponsePolicy.full())));
    try {
      sendTheKeyAsTheProviderLayerWould();
      assertThat(
              bodyOf(
                  tools.fetchCleanly(
                      "http://alias.test:" + ORIGIN.port() + "/stored", OTHER_TENANT)))
          .isEqualTo(REDACTED);
    } finally {
      Await.result(HOST.chassis().credentials().delete(operator, "provider-key"));
    }
  }

  /** The invocation the credential is granted to reads its server's status class by any name. */
  @Test
  void aGrantedInvocationReadsTheStatusClassOnlyUnderAnotherName() {
    tools.putCanary(ORIGIN.origin(), ResponsePolicy.statusOnly(2));
    tools.storeTheSecretAt(ORIGIN.origin());
    String request =
        new JsonObject().put("url", "http://localhost:" + ORIGIN.port() + "/stored").encode();
    InvocationResult read =
        HOST.invoke(tools.grantedFetcher.ref(), request, tools.granted(tools.grantedFetcher));
    assertThat(read.output()).isEqualTo(WITHHELD);
    Canary.absentFrom(read);
  }

  /** The provider layer's request, carrying the operator's key, to a server that keeps it. */
  private static void sendTheKeyAsTheProviderLayerWould() throws Exception {
    HttpResponse<Void> stored =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(ORIGIN.origin() + "/store"))
                    .header("Authorization", "Bearer " + Canary.SECRET)
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(stored.statusCode()).isEqualTo(204);
  }
}
