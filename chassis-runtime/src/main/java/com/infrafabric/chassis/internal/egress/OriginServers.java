package com.infrafabric.chassis.internal.egress;

import com.infrafabric.llm.destination.Destination;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which servers the origins named in the vault are served from, as this node's egress reaches them:
 * a hop that reaches one of them under another name (an alias, a CNAME, {@code localhost} for
 * {@code 127.0.0.1}) reaches the server that was sent the secret, so it is bound to that origin's
 * credentials as well. A server serves an origin (same scheme and port) when:
 *
 * <ul>
 *   <li>the origin's host is an address of the same machine ({@link Machines}: every loopback
 *       address and every address of this host is this host), or resolves to one through the
 *       egress's own resolver ({@link ResolverPool}, the asking tenant's share), the answer kept
 *       for {@link #TTL};
 *   <li>the answer is in doubt (the lookup timed out or the tenant's share is in use): fail closed,
 *       every server on the origin's scheme and port serves it until an answer comes;
 *   <li>or a hop to the origin's own name reached it on this node ({@link #reached}), which covers
 *       the names a wildcard pattern stands for and a DNS answer that differs between lookups.
 * </ul>
 *
 * <p>The address compared is the one the hop connects to, which the egress checked and never
 * resolves again, so no DNS answer can change between this decision and the connection; servers are
 * compared by machine, so another address of one machine reaches the same server. Both maps are
 * bounded, least recently used first out: a forgotten answer is looked up again, a forgotten
 * reached server binds by resolution alone. Thread-safe.
 */
public final class OriginServers {

  /** How long an answer is kept: the JVM's own default for a positive lookup. */
  static final Duration TTL = Duration.ofSeconds(30);

  /** The most hosts whose answers are kept. */
  static final int MAX_HOSTS = 1024;

  /** The most servers whose origins are kept, and the most origins kept for one server. */
  static final int MAX_SERVERS = 4096;

  static final int MAX_ORIGINS_PER_SERVER = 64;

  private final ResolverPool resolvers;
  private final Duration wait;
  private final Clock clock;
  private final Machines machines;
  private final Map<String, Answer> answers = lru(MAX_HOSTS);
  private final Map<Server, Set<Destination>> reached = lru(MAX_SERVERS);

  /** A definite answer: the addresses a host resolved to (none if it does not resolve). */
  private record Answer(Set<InetAddress> addresses, Instant expires) {}

  /**
   * @param wait how long one lookup is waited for, the egress's resolve timeout
   */
  public OriginServers(ResolverPool resolvers, Duration wait, Clock clock) {
    this(resolvers, wait, clock, Machines.ofThisHost(clock));
  }

  OriginServers(ResolverPool resolvers, Duration wait, Clock clock, Machines machines) {
    this.resolvers = resolvers;
    this.wait = wait;
    this.clock = clock;
    this.machines = machines;
  }

  /**
   * True if {@code server} may serve {@code origin}: same scheme and port, and the origin's host is
   * or resolves to an address of the server's machine, or cannot be told not to. Blocks while
   * resolving, for at most the resolve timeout, on {@code tenant}'s share of the node's lookups.
   */
  public boolean serves(String tenant, Destination origin, Server server)
      throws InterruptedException {
    if (!origin.scheme().equals(server.scheme()) || origin.port() != server.port()) {
      return false;
    }
    if (origin.literal().isPresent()) {
      return machines.same(origin.literal().get(), server.address());
    }
    return addresses(tenant, origin.host())
        .map(a -> a.stream().anyMatch(address -> machines.same(address, server.address())))
        .orElse(true);
  }

  /** Records that a hop to {@code hop}'s own name reached its server's machine. */
  public void reached(Hop hop) {
    Destination origin = Destination.parse(hop.destination().origin());
    synchronized (reached) {
      Set<Destination> origins =
          reached.computeIfAbsent(machines.of(hop.server()), s -> new LinkedHashSet<>());
      origins.remove(origin);
      origins.add(origin);
      if (origins.size() > MAX_ORIGINS_PER_SERVER) {
        origins.remove(origins.iterator().next());
      }
    }
  }

  /**
   * The origins hops on this node reached {@code server} under, by their own name, at any address
   * of its machine.
   */
  public List<Destination> reachedAt(Server server) {
    synchronized (reached) {
      return List.copyOf(reached.getOrDefault(machines.of(server), Set.of()));
    }
  }

  /** The addresses of {@code host}; empty while in doubt. */
  private Optional<Set<InetAddress>> addresses(String tenant, String host)
      throws InterruptedException {
    Instant now = clock.instant();
    synchronized (answers) {
      Answer kept = answers.get(host);
      if (kept != null && now.isBefore(kept.expires())) {
        return Optional.of(kept.addresses());
      }
    }
    ResolverPool.Resolution resolution = resolvers.resolve(tenant, host, wait);
    Set<InetAddress> addresses;
    if (resolution instanceof ResolverPool.Resolution.Resolved resolved) {
      addresses = Set.copyOf(resolved.addresses());
    } else if (resolution instanceof ResolverPool.Resolution.Unresolvable) {
      addresses = Set.of();
    } else {
      return Optional.empty();
    }
    synchronized (answers) {
      answers.put(host, new Answer(addresses, now.plus(TTL)));
    }
    return Optional.of(addresses);
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }
}
