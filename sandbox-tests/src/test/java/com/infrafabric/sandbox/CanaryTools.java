package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The tools the tests of a secret bound to its server run, on their own host, against an origin
 * that keeps what it is sent ({@link FakePeer}): a prober granted the tenant's canary credential,
 * which sends it there; a plain fetcher with neither credential nor grant (any tool of any tenant
 * asking that server); and a fetcher the credential is granted to (the invocation that may read
 * what its server answers). Each is allowed the URLs its test tries.
 */
final class CanaryTools {

  static final InvocationContext SAME_TENANT = TestChassis.CONTEXT;
  static final InvocationContext OTHER_TENANT = new InvocationContext("beta", "agent-b", "inv-b");

  /** What a status-only origin answers the invocation granted its credential. */
  static final String WITHHELD = "{\"status\":200,\"headers\":{},\"body\":\"\"}";

  /** The stored header as a full credential's redaction hands it back. */
  static final String REDACTED = "Bearer [REDACTED]";

  private static final CredentialOwner ACME = CredentialOwner.tenant(TestChassis.CONTEXT.tenant());
  private static final String CREDENTIAL = "canary";

  /** Room for the first invocation on a loaded machine (the module compiled, the vault read). */
  private static final long COLD_START_MS = 10_000;

  final ToolInfo prober;
  final ToolInfo plain;
  final ToolInfo grantedFetcher;
  private final SandboxHost host;
  private final TestGrants grants;
  private final FakePeer origin;

  private CanaryTools(SandboxHost host, TestGrants grants, FakePeer origin, List<String> allowed) {
    this.host = host;
    this.grants = grants;
    this.origin = origin;
    this.prober =
        host.register(
            Guests.fixture("credential-prober.wat"),
            c ->
                c.grant("log")
                    .grantHttp(allowed, 20, 2000, 1 << 16)
                    .credentials(List.of(CREDENTIAL))
                    .limit("timeoutMs", null, COLD_START_MS));
    this.plain =
        host.register(
            Guests.fixture("http-proxy.wat"),
            c -> c.grantHttp(allowed, 5, 2000, 1 << 16).limit("timeoutMs", null, COLD_START_MS));
    this.grantedFetcher =
        host.register(
            Guests.fixture("http-proxy.wat"),
            c ->
                c.grantHttp(allowed, 5, 2000, 1 << 16)
                    .credentials(List.of(CREDENTIAL))
                    .limit("timeoutMs", null, COLD_START_MS));
    // One exchange before the tests, its answer not checked: the first of a JVM starts the client
    // and compiles the paths, which on a loaded machine can pass the contracts' 1 s read timeout.
    host.invoke(plain.ref(), new JsonObject().put("url", origin.origin() + "/ok").encode());
  }

  /** Registers the three tools on {@code host}, each allowed {@code allowed}. */
  static CanaryTools register(
      SandboxHost host, TestGrants grants, FakePeer origin, List<String> allowed) {
    return new CanaryTools(host, grants, origin, allowed);
  }

  /** Gives the tenant the canary secret, bound to {@code originUrl} under {@code response}. */
  void putCanary(String originUrl, ResponsePolicy response) {
    Await.result(
        host.chassis()
            .credentials()
            .put(
                new NewCredential(
                    ACME,
                    CREDENTIAL,
                    Canary.SECRET,
                    List.of(originUrl),
                    "Authorization",
                    "Bearer",
                    response)));
  }

  void deleteCanary() {
    Await.result(host.chassis().credentials().delete(ACME, CREDENTIAL));
  }

  /** The prober sends the secret to {@code originUrl}, whose server keeps it for anyone. */
  void storeTheSecretAt(String originUrl) {
    String request = new JsonObject().put("url", originUrl + "/store").encode();
    InvocationResult stored = host.invoke(prober.ref(), request, granted(prober));
    Canary.absentFrom(stored);
    List<MultiMap> received = origin.received();
    assertThat(received.get(received.size() - 1).get("authorization"))
        .isEqualTo("Bearer " + Canary.SECRET);
  }

  /** An invocation of {@code tool} granted the canary credential. */
  InvocationContext granted(ToolInfo tool) {
    return grants.context(
        grants.grant(tool.digest(), Set.of("http"), Set.of(CREDENTIAL), Set.of(), 0, 1));
  }

  /**
   * The plain tool's answer from {@code url}, as {@link #fetchCleanly(ToolInfo, String,
   * InvocationContext)}.
   */
  InvocationResult fetchCleanly(String url, InvocationContext asker) {
    return fetchCleanly(plain, url, asker);
  }

  /**
   * {@code tool}'s answer from {@code url} for {@code asker}, checked to have kept the secret out
   * of the answer, the logs, Redis and the meters.
   */
  InvocationResult fetchCleanly(ToolInfo tool, String url, InvocationContext asker) {
    InvocationResult fetched;
    try (LogCapture logs = LogCapture.start()) {
      fetched = host.invoke(tool.ref(), new JsonObject().put("url", url).encode(), asker);
      Canary.absentFrom(logs.text());
    }
    Canary.absentFromAnyDecoding(fetched.output());
    Canary.absentFrom(fetched);
    Canary.absentFromRedis(host.redis().endpoint());
    Canary.absentFrom(host.host().meters());
    return fetched;
  }

  /** The body a fetcher relayed, once its invocation succeeded. */
  static String bodyOf(InvocationResult fetched) {
    assertThat(fetched.outcome()).as(fetched.message() + fetched.logs()).isEqualTo(Outcome.SUCCESS);
    return new JsonObject(fetched.output()).getString("body");
  }
}
