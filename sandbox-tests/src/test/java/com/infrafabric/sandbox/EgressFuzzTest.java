package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of the egress URL and redirect policy, through the whole host: a guest
 * sends the URL the input names, or follows a redirect from the trusted peer to the Location the
 * input names. Whatever the URL, the request reaches the trusted peer or is refused before any
 * connection, the invocation ends with an outcome, and the host is healthy after every input. The
 * peer is the only server, on 127.0.0.1 at its port; {@code peer.test} resolves to it, {@code
 * internal.test} to a private address, every other name to nothing. Seeds are in {@code
 * EgressFuzzTestInputs/<method>/}, as text.
 */
class EgressFuzzTest {

  private static final FakePeer PEER = FakePeer.start();
  private static final int PORT = PEER.port();

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(PEER.reachableAlone(), EgressFuzzTest::resolve);

  private static ToolRef proxy;

  @BeforeAll
  static void registerProxy() {
    proxy =
        HOST.register(
                Guests.fixture("http-proxy.wat"),
                c ->
                    c.grantHttp(
                        List.of(
                            "http://peer.test:" + PORT,
                            "http://*.peer.test:" + PORT,
                            "http://127.0.0.1:8080",
                            "http://internal.test:80",
                            "https://peer.test:443"),
                        3,
                        1000,
                        8192))
            .ref();
  }

  @AfterAll
  static void stopPeer() {
    PEER.close();
  }

  /** The input as a URL; {@code PORT} in it stands for the peer's port. */
  @FuzzTest(maxDuration = "60s")
  void url(byte[] input) {
    assertReachedOnlyThePeer(get(text(input)));
  }

  /** The input as the Location the trusted peer redirects to; {@code PORT} as in {@link #url}. */
  @FuzzTest(maxDuration = "60s")
  void redirect(byte[] input) {
    String to = URLEncoder.encode(text(input), StandardCharsets.UTF_8);
    assertReachedOnlyThePeer(get("http://peer.test:" + PORT + "/redirect?to=" + to));
  }

  private static String text(byte[] input) {
    return new String(input, StandardCharsets.UTF_8).replace("PORT", Integer.toString(PORT));
  }

  private static InvocationResult get(String url) {
    return HOST.invoke(proxy, new JsonObject().put("url", url).encode());
  }

  /** Success means the trusted peer answered; anything else is a refusal the guest saw. */
  private static void assertReachedOnlyThePeer(InvocationResult result) {
    FuzzedHost.assertAnsweredByTheHostFunctions(result);
    assertThat(result.outcome()).as(result.message()).isIn(Outcome.SUCCESS, Outcome.TOOL_ERROR);
    PEER.received()
        .forEach(
            headers ->
                assertThat(headers.get("host"))
                    .as("a request reached the peer under another name")
                    .matches("(peer\\.test|[a-z0-9.-]*\\.peer\\.test|127\\.0\\.0\\.1):" + PORT));
  }

  private static List<InetAddress> resolve(String name) throws UnknownHostException {
    if (name.equals("peer.test") || name.endsWith(".peer.test")) {
      return List.of(InetAddress.getByName("127.0.0.1"));
    }
    if (name.equals("internal.test")) {
      return List.of(InetAddress.getByName("10.0.0.5"));
    }
    throw new UnknownHostException(name);
  }
}
