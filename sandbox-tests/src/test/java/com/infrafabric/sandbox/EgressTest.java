package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outbound HTTP attacks: SSRF to loopback, private and metadata addresses in every notation, DNS
 * answers that change, allow-list look-alikes, forbidden ports and schemes, hostile redirects, slow
 * and endless peers. The only peer that exists is {@link FakePeer} on 127.0.0.1, reachable through
 * one narrow operator exemption (127.0.0.1/32 on its PORT); every other address is refused before a
 * connection is attempted.
 */
@Timeout(60)
class EgressTest {

  private static final Map<String, List<String>> DNS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOOKUPS = new AtomicInteger();
  private static final FakePeer PEER = FakePeer.start();
  private static final int PORT = PEER.port();

  @RegisterExtension
  static final SandboxHost HOST = SandboxHost.create(PEER.reachableAlone(), EgressTest::resolve);

  private static ToolRef proxy;

  @BeforeAll
  static void registerProxy() {
    DNS.put("peer.test", List.of("127.0.0.1"));
    DNS.put("localhost", List.of("127.0.0.1"));
    DNS.put("internal.test", List.of("10.0.0.5"));
    DNS.put("rebind.test", List.of("127.0.0.1"));
    DNS.put("mixed.test", List.of("127.0.0.1", "10.0.0.5"));
    proxy = proxy(3, 1000, 8192);
  }

  @AfterAll
  static void stopPeer() {
    PEER.close();
  }

  @Test
  void theTrustedPeerIsReachableAndSeesTheUrlHostWhileTheConnectionIsPinned() {
    InvocationResult result = get(proxy, "http://peer.test:" + PORT + "/host");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(result.output()).getString("body"))
        .isEqualTo("host=peer.test:" + PORT);
  }

  @Test
  void loopbackOnAnotherPortIsRefused() {
    assertDenied(get(proxy, "http://127.0.0.1:8080/"), "127.0.0.1 resolves to a loopback address");
  }

  @Test
  void localhostByNameIsRefused() {
    assertDenied(get(proxy, "http://localhost:8080/"), "localhost resolves to a loopback address");
  }

  @Test
  void theIpv4MetadataAddressIsRefusedEvenWhenAllowListed() {
    assertDenied(
        get(proxy, "http://169.254.169.254/latest/meta-data/"),
        "169.254.169.254 resolves to a cloud metadata address");
  }

  @Test
  void theIpv6MetadataAddressIsRefused() {
    assertDenied(get(proxy, "http://[fd00:ec2::254]/"), "a cloud metadata address");
  }

  @Test
  void loopbackWrittenAsIpv4MappedIpv6IsRefused() {
    assertDenied(get(proxy, "http://[::ffff:127.0.0.1]:8080/"), "a loopback address");
    assertDenied(get(proxy, "http://[::1]:8080/"), "a loopback address");
  }

  @Test
  void loopbackInDecimalOctalHexAndShortNotationsIsRefused() {
    for (String host : List.of("2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1")) {
      assertDenied(
          get(proxy, "http://" + host + ":8080/"),
          "is an IPv4 address in a non-canonical notation");
    }
  }

  @Test
  void aNameResolvingToAPrivateAddressIsRefused() {
    assertDenied(
        get(proxy, "http://internal.test/"), "internal.test resolves to a private address");
  }

  /**
   * Regression: a refusal told the tool (and, in its answer's logs, the tool's caller) the address
   * a name resolved to ("localhost resolves to 127.0.0.1, a loopback address"), so a tool could map
   * internal names and networks for every host its allow-list wildcard covers.
   */
  @Test
  void aRefusalNamesTheAddressClassButNeverTheAddress() {
    InvocationResult result = get(proxy, "http://internal.test/");

    assertDenied(result, "internal.test resolves to a private address");
    assertThat(result.logs()).extracting(GuestLog::message).noneMatch(m -> m.contains("10.0.0.5"));
  }

  @Test
  void aDnsAnswerThatChangesIsCheckedAgainOnEveryRequest() {
    DNS.put("rebind.test", List.of("127.0.0.1"));
    int before = LOOKUPS.get();
    assertThat(get(proxy, "http://rebind.test:" + PORT + "/ok").outcome())
        .isEqualTo(Outcome.SUCCESS);
    assertThat(LOOKUPS.get() - before).as("one lookup, then a pinned connection").isEqualTo(1);
    DNS.put("rebind.test", List.of("10.0.0.5"));
    assertDenied(
        get(proxy, "http://rebind.test:" + PORT + "/ok"),
        "rebind.test resolves to a private address");
  }

  /**
   * Regression: an answer that carries its name, as every answer of the JVM's resolver does, made
   * the client look the name up again with its own resolver when it connected: the egress checked
   * one address and the connection went wherever the second answer said (a DNS rebinding window),
   * and a name only the egress's resolver knows was not reached at all.
   */
  @Test
  void theConnectionGoesToTheCheckedAddressWithoutASecondLookup() {
    DNS.put("only-here.test", List.of("127.0.0.1"));
    int before = LOOKUPS.get();
    InvocationResult result = get(proxy, "http://only-here.test:" + PORT + "/host");
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(result.output()).getString("body"))
        .isEqualTo("host=only-here.test:" + PORT);
    assertThat(LOOKUPS.get() - before).isEqualTo(1);
  }

  @Test
  void oneSpecialAddressAmongTheAnswersRefusesTheRequest() {
    assertDenied(
        get(proxy, "http://mixed.test:" + PORT + "/ok"),
        "mixed.test resolves to a private address");
  }

  @Test
  void allowListLookAlikesAreRefused() {
    assertDenied(
        get(proxy, "http://peer.test.evil.test:" + PORT + "/"), "is not on the allow-list");
    assertDenied(get(proxy, "http://evilpeer.test:" + PORT + "/"), "is not on the allow-list");
    assertDenied(get(proxy, "http://peer.test:" + (PORT + 1) + "/"), "is not on the allow-list");
  }

  @Test
  void forbiddenSchemesAreRefused() {
    assertDenied(get(proxy, "file:///etc/passwd"), "");
    assertDenied(get(proxy, "ftp://peer.test:" + PORT + "/"), "");
    assertDenied(get(proxy, "gopher://peer.test:" + PORT + "/"), "");
  }

  @Test
  void aContractNamingAForbiddenPortIsRefusedAtRegistration() {
    assertThatThrownBy(
            () ->
                HOST.register(
                    Guests.fixture("http-proxy.wat"),
                    c -> c.grantHttp(List.of("http://peer.test:6379"), 1, 1000, 1024)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("http.allow[0] port 6379 is not allowed by the operator");
  }

  @Test
  void aRedirectToTheMetadataAddressIsRefusedAtThatHop() {
    assertDenied(
        get(proxy, "http://peer.test:" + PORT + "/redirect-metadata"),
        "169.254.169.254 resolves to a cloud metadata address");
  }

  @Test
  void aRedirectWithinTheAllowListIsFollowed() {
    InvocationResult result = get(proxy, "http://peer.test:" + PORT + "/redirect-ok");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(new JsonObject(result.output()).getString("body")).isEqualTo("{\"ok\":true}");
  }

  @Test
  void aRedirectLoopEndsAtTheRequestBudget() {
    assertStatus(get(proxy, "http://peer.test:" + PORT + "/redirect-loop"), -9);
  }

  @Test
  void aSilentPeerTimesOutAtTheTotalTimeout() {
    ToolRef impatient = proxy(2, 300, 8192);
    InvocationResult result = get(impatient, "http://peer.test:" + PORT + "/slow");
    assertStatus(result, -6);
    assertThat(result.report().duration()).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void anEndlessBodyIsCutAtTheResponseCap() {
    assertStatus(get(proxy, "http://peer.test:" + PORT + "/endless"), -8);
  }

  @Test
  void oversizedResponseHeadersAreRefused() {
    InvocationResult result = get(proxy, "http://peer.test:" + PORT + "/big-headers");
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.message()).isIn("the tool returned status -8", "the tool returned status -7");
  }

  @Test
  void aGuestCannotSetHostOrHopByHopHeaders() {
    for (String header :
        List.of("Host", "Transfer-Encoding", "Connection", "Proxy-Authorization")) {
      JsonObject request =
          new JsonObject()
              .put("url", "http://peer.test:" + PORT + "/host")
              .put("headers", new JsonObject().put(header, "evil.test"));
      assertDenied(HOST.invoke(proxy, request.encode()), "cannot be set by a tool");
    }
  }

  @Test
  void everyRefusalIsCountedAsADeniedCapabilityAttempt() {
    double before = HOST.denied("address");
    get(proxy, "http://internal.test/");
    assertThat(HOST.denied("address")).isEqualTo(before + 1);
  }

  private static ToolRef proxy(int maxRequests, int totalTimeoutMs, int maxResponseBytes) {
    return HOST.register(
            Guests.fixture("http-proxy.wat"),
            c ->
                c.grantHttp(
                    List.of(
                        "http://peer.test:" + PORT,
                        "http://only-here.test:" + PORT,
                        "http://rebind.test:" + PORT,
                        "http://mixed.test:" + PORT,
                        "http://127.0.0.1:8080",
                        "http://localhost:8080",
                        "http://[::1]:8080",
                        "http://169.254.169.254:80",
                        "http://[fd00:ec2::254]:80",
                        "http://internal.test:80"),
                    maxRequests,
                    totalTimeoutMs,
                    maxResponseBytes))
        .ref();
  }

  private static InvocationResult get(ToolRef tool, String url) {
    return HOST.invoke(tool, new JsonObject().put("url", url).encode());
  }

  private static void assertDenied(InvocationResult result, String reason) {
    assertStatus(result, -5);
    assertThat(result.logs()).extracting(GuestLog::message).anyMatch(m -> m.contains(reason));
  }

  private static void assertStatus(InvocationResult result, int status) {
    assertThat(result.outcome()).isEqualTo(Outcome.TOOL_ERROR);
    assertThat(result.message()).isEqualTo("the tool returned status " + status);
  }

  private static List<InetAddress> resolve(String name) throws UnknownHostException {
    LOOKUPS.incrementAndGet();
    List<String> answer = DNS.get(name);
    if (answer == null) {
      throw new UnknownHostException(name);
    }
    List<InetAddress> addresses = new java.util.ArrayList<>();
    for (String address : answer) {
      // Named, as the JVM's own resolver names its answers.
      addresses.add(InetAddress.getByAddress(name, InetAddress.getByName(address).getAddress()));
    }
    return addresses;
  }
}
