package com.infrafabric.chassis.internal.egress;

import java.net.InetAddress;

/**
 * Classifies IPv4 and IPv6 addresses into {@link AddressClass}es. Only {@link AddressClass#PUBLIC}
 * is reachable by default.
 *
 * <p>IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64 well-known prefix, 6to4) are
 * classified by the address they carry, so {@code ::ffff:127.0.0.1} and {@code 2002:7f00:1::} are
 * loopback. Forms that hide or deprecate the IPv4 address (IPv4-compatible, Teredo, local-use
 * NAT64) are reserved. Outside {@code 2000::/3} nothing is public.
 */
final class AddressClassifier {

  private AddressClassifier() {}

  public static AddressClass classify(InetAddress address) {
    return classify(address.getAddress());
  }

  /** Classifies a 4- or 16-byte address in network order. */
  public static AddressClass classify(byte[] address) {
    if (address.length == 4) {
      return ipv4(u32(address, 0));
    }
    if (address.length == 16) {
      return ipv6(address);
    }
    throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
  }

  static AddressClass ipv4(int a) {
    if (a == 0xA9FEA9FE) {
      return AddressClass.METADATA;
    }
    if (in(a, 0x00000000, 8)) {
      return AddressClass.UNSPECIFIED;
    }
    if (in(a, 0x7F000000, 8)) {
      return AddressClass.LOOPBACK;
    }
    if (in(a, 0x0A000000, 8) || in(a, 0xAC100000, 12) || in(a, 0xC0A80000, 16)) {
      return AddressClass.PRIVATE;
    }
    if (in(a, 0x64400000, 10)) {
      return AddressClass.CARRIER_GRADE_NAT;
    }
    if (in(a, 0xA9FE0000, 16)) {
      return AddressClass.LINK_LOCAL;
    }
    if (in(a, 0xC0000200, 24) || in(a, 0xC6336400, 24) || in(a, 0xCB007100, 24)) {
      return AddressClass.DOCUMENTATION;
    }
    if (in(a, 0xC6120000, 15)) {
      return AddressClass.BENCHMARKING;
    }
    if (in(a, 0xE0000000, 4)) {
      return AddressClass.MULTICAST;
    }
    if (in(a, 0xF0000000, 4) || in(a, 0xC0000000, 24) || in(a, 0xC0586300, 24)) {
      return AddressClass.RESERVED;
    }
    return AddressClass.PUBLIC;
  }

  private static AddressClass ipv6(byte[] b) {
    long high = u64(b, 0);
    long low = u64(b, 8);
    if (high == 0 && (low >>> 32) == 0) {
      return low == 0
          ? AddressClass.UNSPECIFIED
          : low == 1 ? AddressClass.LOOPBACK : AddressClass.RESERVED;
    }
    if (high == 0 && (low >>> 32) == 0xFFFFL) {
      return ipv4((int) low);
    }
    if (high == 0x0064FF9B00000000L && (low >>> 32) == 0) {
      return ipv4((int) low);
    }
    if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
      return ipv4(u32(b, 2));
    }
    if (high == 0xFD000EC200000000L && low == 0x254L) {
      return AddressClass.METADATA;
    }
    return ipv6Prefixes(b, high);
  }

  private static AddressClass ipv6Prefixes(byte[] b, long high) {
    int first = b[0] & 0xFF;
    int first16 = (first << 8) | (b[1] & 0xFF);
    int second16 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    if (first == 0xFF) {
      return AddressClass.MULTICAST;
    }
    if ((first & 0xFE) == 0xFC || (first16 & 0xFFC0) == 0xFEC0) {
      return AddressClass.PRIVATE;
    }
    if ((first16 & 0xFFC0) == 0xFE80) {
      return AddressClass.LINK_LOCAL;
    }
    if ((high >>> 32) == 0x20010DB8L || (first16 & 0xFFF0) == 0x3FF0) {
      return AddressClass.DOCUMENTATION;
    }
    if (first16 == 0x2001 && second16 == 0x0002 && (high & 0xFFFF0000L) == 0) {
      return AddressClass.BENCHMARKING;
    }
    boolean ietfProtocolAssignments = first16 == 0x2001 && second16 < 0x0200;
    boolean globalUnicast = (first & 0xE0) == 0x20;
    return globalUnicast && !ietfProtocolAssignments ? AddressClass.PUBLIC : AddressClass.RESERVED;
  }

  private static boolean in(int address, int network, int prefixLength) {
    int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    return (address & mask) == (network & mask);
  }

  private static int u32(byte[] b, int offset) {
    return ((b[offset] & 0xFF) << 24)
        | ((b[offset + 1] & 0xFF) << 16)
        | ((b[offset + 2] & 0xFF) << 8)
        | (b[offset + 3] & 0xFF);
  }

  private static long u64(byte[] b, int offset) {
    return ((long) u32(b, offset) << 32) | (u32(b, offset + 4) & 0xFFFFFFFFL);
  }
}
