package com.infrafabric.chassis.internal.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which machine an address a hop connects to reaches, as far as this node can tell without asking
 * the network: the identity every decision about a secret's server keys on. Every loopback address
 * (all of {@code 127.0.0.0/8}, {@code ::1}, whatever {@link InetAddress#isLoopbackAddress} says)
 * and every address of this host's own interfaces reach this host, where one server bound to a
 * wildcard answers on all of them, so they are one machine, {@link #THIS_HOST}; an IPv4-mapped IPv6
 * address is its IPv4 address. Any other address is a machine of its own: a server elsewhere that
 * answers on several addresses is one machine only if the credential's origins name each of them
 * (the chassis README says so).
 *
 * <p>Taking two servers of this host on one port and scheme for one errs on the side of binding a
 * secret to more answers, never fewer. The host's interface addresses are read again at most every
 * {@link #REFRESH}; if they cannot be read, the last reading stands. Thread-safe.
 */
final class Machines {

  private static final Logger LOG = LoggerFactory.getLogger(Machines.class);

  /** How long a reading of this host's interface addresses is used. */
  static final Duration REFRESH = Duration.ofSeconds(30);

  /** What every address of this host is taken as. */
  static final InetAddress THIS_HOST = bare(new byte[] {127, 0, 0, 1});

  private static final byte[] MAPPED_PREFIX = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff
  };

  /** Reads this host's interface addresses. */
  interface Interfaces {
    Set<InetAddress> addresses() throws SocketException;
  }

  private final Interfaces interfaces;
  private final Clock clock;
  private Set<InetAddress> local = Set.of();
  private Instant readAt = Instant.MIN;

  Machines(Interfaces interfaces, Clock clock) {
    this.interfaces = interfaces;
    this.clock = clock;
  }

  /** This host's interfaces as the JDK lists them. */
  static Machines ofThisHost(Clock clock) {
    return new Machines(Machines::interfaceAddresses, clock);
  }

  /** The machine {@code server} is on: the server with its address replaced by {@link #of}. */
  Server of(Server server) {
    return new Server(server.scheme(), of(server.address()), server.port());
  }

  /** The machine {@code address} reaches: {@link #THIS_HOST}, an IPv4 address, or itself. */
  InetAddress of(InetAddress address) {
    InetAddress plain = unmapped(address);
    if (plain.isLoopbackAddress()
        || plain.isAnyLocalAddress()
        || localAddresses().contains(plain)) {
      return THIS_HOST;
    }
    return plain;
  }

  /** True if {@code a} and {@code b} reach one machine. */
  boolean same(InetAddress a, InetAddress b) {
    return of(a).equals(of(b));
  }

  private synchronized Set<InetAddress> localAddresses() {
    Instant now = clock.instant();
    if (now.isBefore(readAt.plus(REFRESH))) {
      return local;
    }
    readAt = now;
    try {
      local = interfaces.addresses().stream().map(Machines::unmapped).collect(Collectors.toSet());
    } catch (SocketException unreadable) {
      LOG.warn(
          "this host's interface addresses could not be read; the last reading stands", unreadable);
    }
    return local;
  }

  /**
   * {@code address} without the name it was resolved from or an interface's scope, an IPv4-mapped
   * IPv6 address as its IPv4 address: two forms of one address compare equal.
   */
  private static InetAddress unmapped(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address
        && Arrays.equals(bytes, 0, MAPPED_PREFIX.length, MAPPED_PREFIX, 0, MAPPED_PREFIX.length)) {
      return bare(Arrays.copyOfRange(bytes, MAPPED_PREFIX.length, bytes.length));
    }
    return bare(bytes);
  }

  private static Set<InetAddress> interfaceAddresses() throws SocketException {
    return NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .collect(Collectors.toSet());
  }

  private static InetAddress bare(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address's own bytes are always an address", e);
    }
  }
}
