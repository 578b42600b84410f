package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.GuestLog;
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
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against an origin that reflects whatever it receives, in any transformation, redaction cannot
 * win; a status-only credential withholds the answers instead. The tool reads the status class of
 * at most the credential's number of answers per invocation, from requests with the credential or
 * without it (a reflection the origin stored cannot be fetched back), and a compressed answer from
 * the origin is dropped. Answers from other origins are untouched.
 */
@Timeout(60)
class ReflectingOriginTest {

  private static final int MAX_REQUESTS = 3;
  private static final FakePeer REFLECTING = FakePeer.start();
  private static final FakePeer ELSEWHERE = FakePeer.start();
  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));
  private static final String WITHHELD = "{\"status\":200,\"headers\":{},\"body\":\"\"}";

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              FakePeer.reachable(config, REFLECTING, ELSEWHERE)
                  .grantVerification(GOVERNOR.settings()),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS));

  private static ToolInfo prober;
  private static ToolInfo fetcher;

  @BeforeAll
  static void storeAStatusOnlyCredential() {
    Await.result(
        HOST.chassis()
            .credentials()
            .put(
                new NewCredential(
                    CredentialOwner.tenant(TestChassis.CONTEXT.tenant()),
                    "canary",
                    Canary.SECRET,
                    List.of(REFLECTING.origin()),
                    "Authorization",
                    "Bearer",
                    ResponsePolicy.statusOnly(MAX_REQUESTS))));
    List<String> origins = List.of(REFLECTING.origin(), ELSEWHERE.origin());
    prober =
        HOST.register(
            Guests.fixture("credential-prober.wat"),
            c ->
                c.grant("log")
                    .grantHttp(origins, 20, 2000, 1 << 16)
                    .credentials(List.of("canary")));
    fetcher =
        HOST.register(
            Guests.fixture("http-proxy.wat"),
            c -> c.grantHttp(origins, 5, 2000, 1 << 16).credentials(List.of("canary")));
  }

  @AfterAll
  static void stopPeers() {
    REFLECTING.close();
    ELSEWHERE.close();
  }

  @Test
  void everyReflectionReadsAsItsStatusClassAlone() {
    for (String path :
        List.of("/echo", "/echo-pieces", "/echo-reversed", "/echo-hex-name", "/echo-halves")) {
      InvocationResult result = probe(path);
      assertThat(answers(result)).as(path).containsOnly(WITHHELD).hasSize(MAX_REQUESTS);
      Canary.absentFrom(result);
    }
    assertThat(REFLECTING.received().get(REFLECTING.received().size() - 1).get("authorization"))
        .isEqualTo("Bearer " + Canary.SECRET);
  }

  /** Regression: status codes carried 24 characters of the secret in one invocation. */
  @Test
  void statusCodesCarryTheClassOfAtMostTheAllowedNumberOfAnswers() {
    for (int i = 0; i < Canary.SECRET.length(); i += 9) {
      InvocationResult result = probe("/status?i=" + i);
      assertThat(result.message()).isEqualTo("the tool returned status -9");
      assertThat(answers(result)).hasSize(MAX_REQUESTS);
      for (String answer : answers(result)) {
        assertThat(new JsonObject(answer).getInteger("status")).isIn(200, 300);
      }
      assertThat(result.logs().get(MAX_REQUESTS).message())
          .isEqualTo(
              "http_request denied: the status-only credentials for "
                  + REFLECTING.origin()
                  + " allow no more requests in this invocation");
    }
  }

  @Test
  void aStoredReflectionFetchedWithoutTheCredentialIsWithheldToo() {
    probe("/store");
    for (String path : List.of("/stored", "/stored-pieces")) {
      InvocationResult fetched = fetch(REFLECTING.origin() + path);
      assertThat(fetched.outcome()).as(fetched.message()).isEqualTo(Outcome.SUCCESS);
      assertThat(fetched.output()).isEqualTo(WITHHELD);
    }
    assertThat(fetch(REFLECTING.origin() + "/stored-gzip").message())
        .isEqualTo("the tool returned status -5");
  }

  @Test
  void answersFromOriginsNoCredentialAllowsAreWhole() {
    InvocationResult result = fetch(ELSEWHERE.origin() + "/ok");
    assertThat(new JsonObject(result.output()).getString("body")).isEqualTo("{\"ok\":true}");
  }

  @Test
  void aFailedExchangeReadsAsUnavailableWhateverTheOriginDid() {
    assertThat(probe("/reset").message()).isEqualTo("the tool returned status -7");
    assertThat(probe("/endless").message()).isEqualTo("the tool returned status -7");
  }

  private static InvocationResult probe(String path) {
    String request = new JsonObject().put("url", REFLECTING.origin() + path).encode();
    return HOST.invoke(prober.ref(), request, granted(prober));
  }

  private static InvocationResult fetch(String url) {
    return HOST.invoke(fetcher.ref(), new JsonObject().put("url", url).encode(), granted(fetcher));
  }

  private static InvocationContext granted(ToolInfo tool) {
    return GRANTS.context(
        GRANTS.grant(tool.digest(), Set.of("http"), Set.of("canary"), Set.of(), 0, 1));
  }

  /** The answers the prober logged, in order. */
  private static List<String> answers(InvocationResult result) {
    return result.logs().stream()
        .map(GuestLog::message)
        .filter(message -> message.startsWith("{"))
        .toList();
  }
}
