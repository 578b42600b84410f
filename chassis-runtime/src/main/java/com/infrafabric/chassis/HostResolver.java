package com.infrafabric.chassis;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. Injected so tests can play a DNS server whose answers change
 * between lookups; the egress checks every address it returns and connects only to one of them.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * All addresses of {@code host}; may block, and is called from a guest's worker thread only.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The JVM's resolver. */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
