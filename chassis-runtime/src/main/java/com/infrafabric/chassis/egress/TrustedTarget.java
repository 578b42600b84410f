package com.infrafabric.chassis.egress;

import com.infrafabric.llm.destination.Ipv4Notation;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An operator's explicit exemption from the address policy: one network and one port that guests
 * may reach even though the address is not public (an internal API, or a test peer on loopback).
 * Off by default; every entry widens the sandbox and should be as narrow as possible.
 */
public final class TrustedTarget {

  private final byte[] network;
  private final int prefixLength;
  private final int port;
  private final String text;

  private TrustedTarget(byte[] network, int prefixLength, int port, String text) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.port = port;
    this.text = text;
  }

  /**
   * Parses {@code cidr:port}, e.g. {@code 127.0.0.1/32:8089} or {@code [::1]/128:8089}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static TrustedTarget parse(String text) {
    int colon = text.lastIndexOf(':');
    int slash = text.lastIndexOf('/');
    if (colon < 0 || slash < 0 || slash > colon) {
      throw new IllegalArgumentException(
          "egress.trustedTargets entry \"" + text + "\" is not of the form cidr:port");
    }
    String address = text.substring(0, slash).replace("[", "").replace("]", "");
    try {
      byte[] network = InetAddress.getByName(literal(address, text)).getAddress();
      int prefix = Integer.parseInt(text.substring(slash + 1, colon));
      int port = Integer.parseInt(text.substring(colon + 1));
      if (prefix < 0 || prefix > network.length * 8 || port < 1 || port > 65_535) {
        throw new IllegalArgumentException(
            "egress.trustedTargets entry \"" + text + "\" has a prefix or port out of range");
      }
      return new TrustedTarget(network, prefix, port, text);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "egress.trustedTargets entry \"" + text + "\" is not of the form cidr:port");
    }
  }

  /** True if {@code address:port} falls inside this exemption. */
  public boolean covers(InetAddress address, int port) {
    byte[] candidate = address.getAddress();
    if (port != this.port || candidate.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static String literal(String address, String text) {
    boolean ipv4 = address.matches("[0-9.]+") && Ipv4Notation.isCanonical(address);
    boolean ipv6 = address.indexOf(':') >= 0 && address.matches("[0-9a-fA-F:.]+");
    if (!ipv4 && !ipv6) {
      throw new IllegalArgumentException(
          "egress.trustedTargets entry \"" + text + "\" must name an address, not a host name");
    }
    return address;
  }

  /** The port this exemption opens, which contracts may then name in their allow-lists. */
  public int port() {
    return port;
  }

  @Override
  public String toString() {
    return text;
  }
}
