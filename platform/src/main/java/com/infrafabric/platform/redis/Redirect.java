package com.infrafabric.platform.redis;

import java.util.Optional;

/**
 * A cluster node's answer that a key's slot is served elsewhere: {@code MOVED <slot> <host:port>}
 * (for good: the command was not run, send it there and remember) or {@code ASK <slot> <host:port>}
 * (while the slot migrates: send {@code ASKING} and the command there, once).
 *
 * @param moved true for {@code MOVED}, false for {@code ASK}
 * @param slot the hash slot
 * @param address the node that serves it
 */
record Redirect(boolean moved, int slot, RedisEndpoint.Address address) {

  /** The redirect an error reply carries, if it is one. */
  static Optional<Redirect> of(String errorReply) {
    String[] parts = errorReply.split(" ");
    boolean moved = parts[0].equals("MOVED");
    if (parts.length != 3 || !(moved || parts[0].equals("ASK"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Redirect(moved, Integer.parseInt(parts[1]), RedisEndpoint.Address.parse(parts[2])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
