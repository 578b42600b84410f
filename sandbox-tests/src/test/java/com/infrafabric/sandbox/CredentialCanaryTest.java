package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hostile tool holding a grant for its tenant's credential {@code canary} (response policy full)
 * tries every path to read the secret: a peer reflecting the request headers in every encoding the
 * redaction promise names (plainly, in a response header's value and name, Base64, MIME Base64,
 * Base32, hex, upper-cased, UTF-16 and UTF-32, percent-, <code>&#92;u</code>- and HTML-escaped, two
 * halves of a repeated header), compressed, stored and fetched back without the credential,
 * redirects to another origin, sending it where the credential does not allow, setting the header
 * itself, and error paths. Whatever comes back it spreads to its log, its kv namespace and its
 * output. After every attempt no piece of the secret is in any of them, nor in the chassis's own
 * logs, any key or value in Redis, or any metric tag, while the allowed peer did receive it.
 * Another tenant's grant reaches only that tenant's credential.
 */
@Timeout(60)
class CredentialCanaryTest {

  private static final FakePeer ALLOWED = FakePeer.start();
  private static final FakePeer ELSEWHERE = FakePeer.start();
  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());
  private static final MasterKeys KEYS = MasterKeys.parse(MasterKeys.generateJwks("k1"));

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config ->
              FakePeer.reachable(config, ALLOWED, ELSEWHERE).grantVerification(GOVERNOR.settings()),
          HostResolver.system(),
          parts -> parts.masterKeys(KEYS));

  private static final CredentialOwner TENANT =
      CredentialOwner.tenant(com.infrafabric.chassis.testing.TestChassis.CONTEXT.tenant());

  private static ToolInfo thief;
  private static ToolInfo fetcher;

  @BeforeAll
  static void storeTheCanaryAndRegisterTheThief() {
    Await.result(HOST.chassis().credentials().put(canary()));
    thief =
        HOST.register(
            Guests.fixture("credential-thief.wat"),
            c ->
                c.grant("log")
                    .grantKv(1 << 16, 10)
                    .grantHttp(List.of(ALLOWED.origin(), ELSEWHERE.origin()), 5, 2000, 1 << 16)
                    .credentials(List.of("canary")));
    fetcher =
        HOST.register(
            Guests.fixture("http-proxy.wat"),
            c ->
                c.grantHttp(List.of(ALLOWED.origin(), ELSEWHERE.origin()), 5, 2000, 1 << 16)
                    .credentials(List.of("canary")));
  }

  @AfterAll
  static void stopPeers() {
    ALLOWED.close();
    ELSEWHERE.close();
  }

  @Test
  void anEchoOfTheRequestHeadersComesBackRedactedWhileThePeerGotTheSecret() {
    InvocationResult result = steal(get(ALLOWED.origin() + "/echo"));
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    JsonObject response = new JsonObject(result.output());
    assertThat(new JsonObject(response.getString("body")).getString("authorization"))
        .isEqualTo("Bearer [REDACTED]");
    assertThat(response.getJsonObject("headers").getString("x-echo")).contains("[REDACTED]");
    assertThat(last(ALLOWED).get("authorization")).isEqualTo("Bearer " + Canary.SECRET);
  }

  @Test
  void anEchoInBase64DoesNotDecodeToTheSecret() {
    InvocationResult result = steal(get(ALLOWED.origin() + "/echo-base64"));
    String body = new JsonObject(result.output()).getString("body");
    assertThat(body).contains("[REDACTED]");
    for (String piece : body.split("\\[REDACTED\\]")) {
      try {
        Canary.absentFrom(new String(Base64.getDecoder().decode(piece)));
      } catch (IllegalArgumentException notBase64) {
        // what is left around the redaction mark is no longer valid Base64
      }
    }
  }

  @Test
  void everyEncodingThePromiseNamesComesBackRedacted() {
    for (String path :
        List.of("/echo-mime", "/echo-hex-name", "/echo-percent", "/echo-unicode", "/echo-base64")) {
      InvocationResult result = steal(get(ALLOWED.origin() + path));
      assertThat(result.outcome()).as(path + ": " + result.message()).isEqualTo(Outcome.SUCCESS);
      assertThat(result.output()).as(path).contains("[REDACTED]");
      JsonObject response = new JsonObject(result.output());
      Canary.absentFromAnyDecoding(response.encode() + response.getString("body"));
      response.getJsonObject("headers").forEach(h -> Canary.absentFromAnyDecoding(h.getKey()));
    }
  }

  /**
   * Regression: an origin echoing the header upper-cased, in Base32, as HTML references without
   * {@code ;}, or in UTF-16 or UTF-32 (a NUL beside each character) handed the tool the whole
   * secret under a full policy, in its output, its log and its kv namespace.
   */
  @Test
  void theEncodingsAProbeGotPastComeBackRedactedToo() {
    for (String path :
        List.of(
            "/echo-upper",
            "/echo-base32",
            "/echo-html",
            "/echo-utf16le",
            "/echo-utf16be",
            "/echo-utf32")) {
      InvocationResult result = steal(get(ALLOWED.origin() + path));
      assertThat(result.outcome()).as(path + ": " + result.message()).isEqualTo(Outcome.SUCCESS);
      String body = new JsonObject(result.output()).getString("body");
      assertThat(body).as(path).contains("[REDACTED]");
      Canary.absentFromAnyDecoding(body);
      result.logs().forEach(log -> Canary.absentFromAnyDecoding(log.message()));
    }
  }

  @Test
  void aSecretStoredByTheOriginAndFetchedWithoutTheCredentialComesBackRedacted() {
    steal(get(ALLOWED.origin() + "/store"));
    InvocationResult fetched =
        HOST.invoke(fetcher.ref(), get(ALLOWED.origin() + "/stored"), grantedContext(fetcher));
    assertThat(fetched.outcome()).as(fetched.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(fetched.output()).getString("body")).isEqualTo("Bearer [REDACTED]");
    Canary.absentFrom(fetched);
  }

  /**
   * Where the promise ends, so status-only exists: an origin returning the secret in pieces (two
   * halves, 7-byte pieces) or reversed gets it out under a full policy ({@link
   * ReflectingOriginTest} withholds it). Only the whole secret is redacted: redacting pieces told a
   * tool which guess of a piece was right (RedactorTest).
   */
  @Test
  void piecesAndTransformationsAreBeyondRedaction() {
    InvocationResult pieces = thiefResult(get(ALLOWED.origin() + "/echo-pieces"));
    String body = new JsonObject(pieces.output()).getString("body");
    assertThat(body.replace("|", "")).isEqualTo("Bearer " + Canary.SECRET);
    InvocationResult halves = thiefResult(get(ALLOWED.origin() + "/echo-halves"));
    assertThat(halves.output()).doesNotContain("[REDACTED]");
  }

  @Test
  void anotherTenantsGrantReachesOnlyThatTenantsCredentialOfTheSameName() {
    InvocationContext other = new InvocationContext("tenant-b", "agent-9", "inv-b");
    TestGrants otherGrants = GRANTS.forContext(other);
    String otherSecret = "sk-tenant-b-own-0123456789-abcdefghij";
    Await.result(
        HOST.chassis()
            .credentials()
            .put(
                new NewCredential(
                    CredentialOwner.tenant("tenant-b"),
                    "canary",
                    otherSecret,
                    List.of(ALLOWED.origin()),
                    "Authorization",
                    "Bearer",
                    ResponsePolicy.full())));
    Grant grant =
        otherGrants.grant(thief.digest(), Set.of("http", "kv"), Set.of("canary"), Set.of(), 0, 1);
    InvocationResult result =
        HOST.invoke(thief.ref(), get(ALLOWED.origin() + "/echo"), otherGrants.context(grant));
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(last(ALLOWED).get("authorization")).isEqualTo("Bearer " + otherSecret);
    Canary.absentFrom(result);

    InvocationContext third = new InvocationContext("tenant-c", "agent-3", "inv-c");
    TestGrants thirdGrants = GRANTS.forContext(third);
    Grant none =
        thirdGrants.grant(thief.digest(), Set.of("http", "kv"), Set.of("canary"), Set.of(), 0, 1);
    int before = ALLOWED.received().size();
    InvocationResult absent =
        HOST.invoke(thief.ref(), get(ALLOWED.origin() + "/echo"), thirdGrants.context(none));
    assertThat(absent.message()).isEqualTo("the tool returned status -2");
    assertThat(ALLOWED.received()).hasSize(before);
  }

  @Test
  void aRedirectToAnotherOriginIsNotFollowedWithTheCredential() {
    int before = ELSEWHERE.received().size();
    InvocationResult result =
        steal(get(ALLOWED.origin() + "/redirect?to=" + ELSEWHERE.origin() + "/echo"));
    assertThat(new JsonObject(result.output()).getInteger("status")).isEqualTo(302);
    assertThat(ELSEWHERE.received()).hasSize(before);
  }

  @Test
  void anOriginTheCredentialAllowsCannotRedirectAPlainRequestElsewhere() {
    int before = ELSEWHERE.received().size();
    String away = ALLOWED.origin() + "/redirect?to=" + ELSEWHERE.origin() + "/echo";
    InvocationResult result = HOST.invoke(fetcher.ref(), get(away), grantedContext(fetcher));
    assertThat(new JsonObject(result.output()).getInteger("status")).isEqualTo(302);
    assertThat(ELSEWHERE.received()).hasSize(before);

    InvocationResult elsewhere =
        HOST.invoke(
            fetcher.ref(),
            get(ELSEWHERE.origin() + "/redirect?to=" + ALLOWED.origin() + "/ok"),
            grantedContext(fetcher));
    assertThat(new JsonObject(elsewhere.output()).getInteger("status")).isEqualTo(200);
  }

  @Test
  void aRedirectWithinTheOriginIsFollowedAndStillRedacted() {
    InvocationResult result = steal(get(ALLOWED.origin() + "/redirect?to=/echo"));
    JsonObject response = new JsonObject(result.output());
    assertThat(response.getInteger("status")).isEqualTo(200);
    assertThat(response.getString("body")).contains("\"authorization\":\"Bearer [REDACTED]\"");
  }

  @Test
  void theSecretIsNotSentWhereTheCredentialDoesNotAllow() {
    int before = ELSEWHERE.received().size();
    InvocationResult result = steal(get(ELSEWHERE.origin() + "/echo"));
    assertThat(result.message()).isEqualTo("the tool returned status -13");
    assertThat(ELSEWHERE.received()).hasSize(before);
    assertThat(result.logs().get(0).message())
        .isEqualTo(
            "http_request denied: " + ELSEWHERE.origin() + " is not allowed for credential canary");
  }

  @Test
  void aCompressedEchoIsDiscardedAndAskingForCompressionChangesNothing() {
    assertThat(steal(get(ALLOWED.origin() + "/echo-gzip")).message())
        .isEqualTo("the tool returned status -5");
    JsonObject asked =
        new JsonObject()
            .put("url", ALLOWED.origin() + "/echo")
            .put("headers", new JsonObject().put("Accept-Encoding", "gzip"));
    steal(asked.encode());
    assertThat(last(ALLOWED).get("accept-encoding")).isEqualTo("identity");
  }

  /**
   * Regression: an origin could echo the secret in a charset that writes ASCII as other bytes
   * (EBCDIC), which redaction cannot read; declared so, the answer is dropped like a compressed
   * one.
   */
  @Test
  void anEchoInACharsetRedactionCannotReadIsDiscarded() {
    InvocationResult result = steal(get(ALLOWED.origin() + "/echo-ebcdic"));
    assertThat(result.message()).isEqualTo("the tool returned status -5");
    assertThat(result.logs().get(0).message())
        .isEqualTo(
            "http_request denied: an answer from "
                + ALLOWED.origin()
                + " in charset IBM037, which redaction cannot read, was dropped");
  }

  @Test
  void theToolCannotSetTheCredentialsHeaderItself() {
    JsonObject spoof =
        new JsonObject()
            .put("url", ALLOWED.origin() + "/echo")
            .put("headers", new JsonObject().put("Authorization", "Bearer mine"));
    InvocationResult result = steal(spoof.encode());
    assertThat(result.message()).isEqualTo("the tool returned status -5");
    assertThat(result.logs().get(0).message())
        .isEqualTo("http_request denied: header authorization cannot be set by a tool");
  }

  @Test
  void aPeerThatHangsUpLeaksNothingInTheError() {
    InvocationResult result = steal(get(ALLOWED.origin() + "/reset"));
    assertThat(result.message()).isEqualTo("the tool returned status -7");
  }

  @Test
  void withoutTheCredentialInItsGrantOrWithoutAGrantTheToolGetsNothing() {
    Grant withoutCanary =
        GRANTS.grant(thief.digest(), Set.of("http", "kv"), Set.of("other"), Set.of(), 0, 1);
    int before = ALLOWED.received().size();
    InvocationResult refused =
        HOST.invoke(thief.ref(), get(ALLOWED.origin() + "/echo"), GRANTS.context(withoutCanary));
    assertThat(refused.message()).isEqualTo("the tool returned status -13");
    assertThat(refused.logs().get(0).message())
        .isEqualTo("http_request denied: credential canary is not granted to this invocation");

    InvocationResult ungranted = HOST.invoke(thief.ref(), get(ALLOWED.origin() + "/echo"));
    assertThat(ungranted.outcome()).isEqualTo(Outcome.GRANT_REQUIRED);
    assertThat(ALLOWED.received()).hasSize(before);
  }

  @Test
  void aDeletedCredentialIsNotFound() {
    assertThat(Await.result(HOST.chassis().credentials().delete(TENANT, "canary"))).isTrue();
    try {
      assertThat(steal(get(ALLOWED.origin() + "/echo")).message())
          .isEqualTo("the tool returned status -2");
    } finally {
      Await.result(HOST.chassis().credentials().put(canary()));
    }
  }

  /** Runs the thief under a grant for the canary and checks every place the secret could reach. */
  private static InvocationResult steal(String request) {
    InvocationResult result;
    try (LogCapture logs = LogCapture.start()) {
      result = thiefResult(request);
      Canary.absentFrom(logs.text());
    }
    Canary.absentFrom(result);
    Canary.absentFromRedis(HOST.redis().endpoint());
    Canary.absentFrom(HOST.host().meters());
    return result;
  }

  private static InvocationResult thiefResult(String request) {
    return HOST.invoke(thief.ref(), request, grantedContext(thief));
  }

  private static InvocationContext grantedContext(ToolInfo tool) {
    return GRANTS.context(
        GRANTS.grant(tool.digest(), Set.of("http", "kv"), Set.of("canary"), Set.of(), 0, 1));
  }

  private static String get(String url) {
    return new JsonObject().put("url", url).encode();
  }

  private static io.vertx.core.MultiMap last(FakePeer peer) {
    List<io.vertx.core.MultiMap> received = peer.received();
    return received.get(received.size() - 1);
  }

  private static NewCredential canary() {
    return new NewCredential(
        TENANT,
        "canary",
        Canary.SECRET,
        List.of(ALLOWED.origin()),
        "Authorization",
        "Bearer",
        ResponsePolicy.full());
  }
}
