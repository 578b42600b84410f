package com.infrafabric.chassis.internal.egress;

import java.net.InetAddress;

/**
 * A server as the egress reaches it: the scheme, the address it connects to and the port. Two names
 * that resolve to one address reach one server, so what protects a secret keys on this, not on the
 * name a tool asked for.
 *
 * @param scheme {@code http} or {@code https}
 * @param address the checked address the connection is opened to, never resolved again
 * @param port the port connected to
 */
public record Server(String scheme, InetAddress address, int port) {}
