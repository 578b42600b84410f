package com.infrafabric.chassis.internal.egress;

import java.util.Optional;

/**
 * What the caller of {@link HttpEgress#send} decides about each hop once the egress has checked it
 * and chosen the address it connects to, and before anything is sent there: so a decision about a
 * server is made on the server the hop actually reaches, whatever name the hop asked for.
 */
public interface HopGate {

  /**
   * Empty to send {@code hop}; otherwise why not, which ends the request with nothing sent. May
   * block (a DNS lookup) on the calling guest thread.
   */
  Optional<EgressResult.Vetoed> admit(Hop hop) throws InterruptedException;

  /**
   * True if a redirect from {@code hop} is followed only to its own origin: the tool gets the 3xx
   * of any other, so a server that was sent a secret cannot make the host carry it elsewhere in a
   * URL. Asked only of a hop {@link #admit} let through.
   */
  boolean pins(Hop hop);
}
