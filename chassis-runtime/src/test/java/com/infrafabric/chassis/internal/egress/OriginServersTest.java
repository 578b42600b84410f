package com.infrafabric.chassis.internal.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.platform.testing.MutableClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OriginServersTest {

  private static final InetAddress SERVER = address("203.0.113.7");
  private static final InetAddress ELSEWHERE = address("203.0.113.8");

  private final AtomicInteger lookups = new AtomicInteger();
  private final CountDownLatch mute = new CountDownLatch(1);
  private final MutableClock clock = MutableClock.at("2026-12-07T12:00:00Z");

  /** api.example.com is the server; gone.example.com does not exist; mute.example.com hangs. */
  private final HostResolver resolver =
      host -> {
        lookups.incrementAndGet();
        return switch (host) {
          case "api.example.com" -> List.of(ELSEWHERE, SERVER);
          case "mute.example.com" -> {
            try {
              mute.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            yield List.of(ELSEWHERE);
          }
          default -> throw new UnknownHostException(host);
        };
      };

  private final ResolverPool pool = new ResolverPool(resolver, 4);
  private final OriginServers servers = new OriginServers(pool, Duration.ofMillis(200), clock);

  @AfterEach
  void stop() {
    mute.countDown();
    pool.close();
  }

  /**
   * Regression: a secret was bound to its origin's name, so another name for the same server (an
   * alias, a CNAME, localhost) reached it unbound. A server serves an origin whose host resolves to
   * any of its addresses, through the egress's own resolver, on the same scheme and port only.
   */
  @Test
  void aServerServesTheOriginsWhoseNameResolvesToItsAddress() throws Exception {
    Destination origin = Destination.parse("https://api.example.com:443");

    assertThat(servers.serves("acme", origin, new Server("https", SERVER, 443))).isTrue();
    assertThat(servers.serves("acme", origin, new Server("https", ELSEWHERE, 443))).isTrue();
    assertThat(servers.serves("acme", origin, new Server("https", address("203.0.113.9"), 443)))
        .isFalse();
    assertThat(servers.serves("acme", origin, new Server("https", SERVER, 8443))).isFalse();
    assertThat(servers.serves("acme", origin, new Server("http", SERVER, 443))).isFalse();
  }

  /** Regression: an IPv4-mapped or plain literal origin is its address, with no lookup. */
  @Test
  void anAddressOriginIsServedByThatAddressAloneWithoutALookup() throws Exception {
    Destination mapped = Destination.parse("http://[::ffff:127.0.0.1]:18390");

    assertThat(servers.serves("acme", mapped, new Server("http", address("127.0.0.1"), 18390)))
        .isTrue();
    assertThat(servers.serves("acme", mapped, new Server("http", SERVER, 18390))).isFalse();
    assertThat(lookups).hasValue(0);
  }

  @Test
  void anAnswerIsKeptForItsTtlAndThenLookedUpAgain() throws Exception {
    Destination origin = Destination.parse("https://api.example.com:443");
    Server server = new Server("https", SERVER, 443);

    servers.serves("acme", origin, server);
    servers.serves("beta", origin, server);
    assertThat(lookups).hasValue(1);

    clock.advance(OriginServers.TTL);
    servers.serves("acme", origin, server);
    assertThat(lookups).hasValue(2);
  }

  /**
   * Regression guard for failing closed: while the origin's answer is in doubt (the lookup timed
   * out), every server on its scheme and port is taken to serve it, so its secrets are redacted and
   * a status-only one withholds; the doubt is not kept.
   */
  @Test
  void anOriginInDoubtIsServedByEveryServerOnItsPort() throws Exception {
    Destination origin = Destination.parse("https://mute.example.com:443");

    assertThat(servers.serves("acme", origin, new Server("https", SERVER, 443))).isTrue();
    assertThat(servers.serves("acme", origin, new Server("https", SERVER, 80))).isFalse();
  }

  @Test
  void anOriginThatDoesNotResolveIsServedByNoServer() throws Exception {
    Destination origin = Destination.parse("https://gone.example.com:443");

    assertThat(servers.serves("acme", origin, new Server("https", SERVER, 443))).isFalse();
  }

  /** A wildcard's names cannot be looked up in advance; a hop to one records its server. */
  @Test
  void aServerAHopReachedRemembersTheOriginItWasReachedUnder() {
    Server server = new Server("https", SERVER, 443);
    Destination asked = Destination.parse("https://eu.api.example.com/v1/x?y=1");

    servers.reached(new Hop(asked, server));

    assertThat(servers.reachedAt(server))
        .containsExactly(Destination.parse("https://eu.api.example.com:443"));
    assertThat(servers.reachedAt(new Server("https", SERVER, 8443))).isEmpty();
  }

  /**
   * Regression: a server was its one address, so a status-only secret sent to {@code
   * http://127.0.0.1:P} came back whole, to any tenant's tool, from {@code 127.0.0.2:P} or {@code
   * [::ffff:127.0.0.2]:P}, and a granted invocation read it past its status-only policy: a server
   * bound to a wildcard answers on every loopback address and every address of its host. All of
   * them are one machine, an IPv4-mapped address is its IPv4 address, and an address elsewhere is
   * still a machine of its own.
   */
  @Test
  void everyAddressOfThisHostServesAnOriginOnAnyOtherOfThem() throws Exception {
    InetAddress ownInterface = address("192.0.2.10");
    OriginServers local =
        new OriginServers(pool, Duration.ofMillis(200), clock, machines(ownInterface));
    Destination origin = Destination.parse("http://127.0.0.1:18399");

    for (String other :
        List.of("127.0.0.2", "::ffff:127.0.0.2", "::1", "127.255.255.254", "192.0.2.10")) {
      assertThat(local.serves("beta", origin, new Server("http", address(other), 18399)))
          .as(other)
          .isTrue();
    }
    assertThat(local.serves("beta", origin, new Server("http", SERVER, 18399))).isFalse();
    assertThat(local.serves("beta", origin, new Server("http", address("::2"), 18399))).isFalse();
    assertThat(local.serves("beta", origin, new Server("http", address("127.0.0.2"), 18400)))
        .isFalse();
    assertThat(
            local.serves(
                "beta",
                Destination.parse("http://[::ffff:cb00:7107]:443"),
                new Server("http", SERVER, 443)))
        .isTrue();
  }

  /** A name resolving to one loopback address is served by every other address of this host. */
  @Test
  void anOriginNamedForOneLoopbackAddressIsServedByAnother() throws Exception {
    HostResolver loopbackName = host -> List.of(address("127.0.0.1"));
    try (ResolverPool names = new ResolverPool(loopbackName, 1)) {
      OriginServers local =
          new OriginServers(names, Duration.ofMillis(200), clock, machines(SERVER));
      Destination origin = Destination.parse("http://origin.test:18399");

      assertThat(local.serves("beta", origin, new Server("http", address("::1"), 18399))).isTrue();
      assertThat(local.serves("beta", origin, new Server("http", SERVER, 18399))).isTrue();
      assertThat(local.serves("beta", origin, new Server("http", ELSEWHERE, 18399))).isFalse();
    }
  }

  /** What a hop reached at one address of this host is remembered for all of them. */
  @Test
  void anOriginReachedAtOneLoopbackAddressIsRememberedAtEveryOther() {
    Destination asked = Destination.parse("http://api.wild.test:18399/store");
    servers.reached(new Hop(asked, new Server("http", address("127.0.0.1"), 18399)));

    Destination reached = Destination.parse("http://api.wild.test:18399");
    for (String other : List.of("127.0.0.2", "::1", "::ffff:127.0.0.3")) {
      assertThat(servers.reachedAt(new Server("http", address(other), 18399)))
          .as(other)
          .containsExactly(reached);
    }
  }

  /** This host's interfaces are read again once their reading is older than the refresh. */
  @Test
  void thisHostsInterfacesAreReadAgainAfterTheRefresh() {
    AtomicInteger readings = new AtomicInteger();
    InetAddress ownInterface = address("192.0.2.10");
    Machines machines =
        new Machines(
            () -> readings.incrementAndGet() == 1 ? Set.of() : Set.of(ownInterface), clock);

    assertThat(machines.of(ownInterface)).isEqualTo(ownInterface);
    clock.advance(Machines.REFRESH);
    assertThat(machines.of(ownInterface)).isEqualTo(Machines.THIS_HOST);
    assertThat(readings).hasValue(2);
  }

  private Machines machines(InetAddress... ownInterfaces) {
    return new Machines(() -> Set.of(ownInterfaces), clock);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
