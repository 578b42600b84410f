package com.infrafabric.chassis.internal.egress;

import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.destination.Destination;
import java.net.InetAddress;

/** Whether one request hop may go out, and if so to which checked address. */
sealed interface EgressDecision {

  /** The hop may go out, and must connect to {@code address} and nowhere else. */
  record Allowed(Destination destination, InetAddress address) implements EgressDecision {

    /** The hop as sent: its URL and the server it connects to. */
    Hop hop() {
      return new Hop(destination, new Server(destination.scheme(), address, destination.port()));
    }
  }

  /**
   * The hop is refused.
   *
   * @param error what the guest sees
   * @param reason why, for the log and the denied-capability metric
   * @param policy short tag for the metric: {@code allow-list}, {@code address}, {@code scheme},
   *     {@code url}, {@code dns}, {@code dns-share} (the tenant holds its share of the node's DNS
   *     lookups)
   * @param address the address the host resolved to, when that address refused it: for the
   *     operator's log only, never the guest (it would map internal names); empty otherwise
   */
  record Denied(AbiError error, String reason, String policy, String address)
      implements EgressDecision {

    /** Refused for something other than the address a name resolved to. */
    public Denied(AbiError error, String reason, String policy) {
      this(error, reason, policy, "");
    }
  }
}
